package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.job.JobRunView;

/**
 * The deployment page's lines: the catalogue's LSNs and labels as they are, durations from the
 * recorded start and end, a verification in words, the WAL audit's ranges and gaps.
 */
class DeploymentPageTest {
  private static BackupView backup(Boolean verifyOk, Integer errors) {
    return new BackupView(
        "db1",
        "20261205T120000Z-aaaaaa",
        "nightly",
        2,
        "0/2000028",
        "0/2000100",
        "2026-12-05T12:00:00.250Z",
        "2026-12-05T12:03:05.500Z",
        "18.1",
        3L * 1024 * 1024,
        1024,
        512,
        0.9,
        verifyOk == null ? null : "2026-12-05T13:00:00Z",
        verifyOk,
        errors);
  }

  @Test
  void aBackupLineShowsItsLabelLsnsDurationSizeAndVerification() {
    DeploymentPage.BackupRow row = DeploymentPage.backup(backup(true, 0));

    assertThat(row.id()).isEqualTo("20261205T120000Z-aaaaaa");
    assertThat(row.label()).isEqualTo("nightly");
    assertThat(row.timeline()).isEqualTo(2);
    assertThat(row.startLsn()).isEqualTo("0/2000028");
    assertThat(row.stopLsn()).isEqualTo("0/2000100");
    assertThat(row.started()).isEqualTo("2026-12-05 12:00:00 UTC");
    assertThat(row.duration()).isEqualTo("3 min 5 s");
    assertThat(row.size()).isEqualTo("3.0 MiB");
    assertThat(row.stored()).isEqualTo("512 B");
    assertThat(row.verification()).isEqualTo("passed 2026-12-05 13:00:00 UTC");
  }

  @Test
  void aBackupNeverVerifiedOrFailingSaysSo() {
    assertThat(DeploymentPage.backup(backup(null, null)).verification()).isEqualTo("never");
    assertThat(DeploymentPage.backup(backup(false, 1)).verification())
        .isEqualTo("FAILED (1 error) 2026-12-05 13:00:00 UTC");
    assertThat(DeploymentPage.backup(backup(false, 3)).verification())
        .isEqualTo("FAILED (3 errors) 2026-12-05 13:00:00 UTC");
  }

  @Test
  void aJobRunShowsItsErrorAndARunningOneHasNoDurationYet() {
    JobRunView failed =
        new JobRunView(
            7,
            70L,
            "base-backup",
            "db1",
            "operator",
            "api",
            "failed",
            "2026-12-05T12:00:00Z",
            "2026-12-05T12:00:42Z",
            0,
            0,
            null,
            "connection refused",
            "host-a");
    JobRunView running =
        new JobRunView(
            8,
            71L,
            "verify",
            "db1",
            "scheduler",
            "schedule",
            "running",
            "2026-12-05T12:01:00Z",
            null,
            3,
            10,
            null,
            null,
            "host-a");

    assertThat(DeploymentPage.job(failed))
        .isEqualTo(
            new DeploymentPage.JobRow(
                7,
                "base-backup",
                "failed: connection refused",
                "",
                "2026-12-05 12:00:00 UTC",
                "42 s"));
    assertThat(DeploymentPage.job(running))
        .isEqualTo(
            new DeploymentPage.JobRow(
                8, "verify", "running", "3 of 10 (30 %)", "2026-12-05 12:01:00 UTC", "running"));
  }

  private static JobRunView rotate(long id, String state, String result, String error) {
    return new JobRunView(
        id,
        1L,
        "rotate",
        "db1",
        "operator",
        "console",
        state,
        "2026-12-05T12:00:00Z",
        null,
        0,
        0,
        result,
        error,
        "host-a");
  }

  @Test
  void aFinishedDryRunShowsItsPlanAndOnlyItCanBeApplied() {
    String dry =
        "{\"deployment\":\"db1\",\"applied\":false,\"backups\":["
            + "{\"backup_id\":\"b1\",\"action\":\"delete\",\"kept_by\":\"\"},"
            + "{\"backup_id\":\"b2\",\"action\":\"keep\",\"kept_by\":\"newest, hourly\"}]}";

    DeploymentPage.Rotation plan = DeploymentPage.rotation(rotate(9, "completed", dry, null));
    assertThat(plan.applicable()).isTrue();
    assertThat(plan.summary()).contains("job run 9").contains("keeps 1 and would delete 1");
    assertThat(plan.backups())
        .containsExactly(
            new DeploymentPage.RotationRow("b1", "delete", ""),
            new DeploymentPage.RotationRow("b2", "keep", "newest, hourly"));

    DeploymentPage.Rotation applied =
        DeploymentPage.rotation(
            rotate(10, "completed", dry.replace("\"applied\":false", "\"applied\":true"), null));
    assertThat(applied.applicable()).isFalse();
    assertThat(applied.state()).isEqualTo("applied");
    assertThat(DeploymentPage.rotation(rotate(11, "running", null, null)).applicable()).isFalse();
    DeploymentPage.Rotation refused =
        DeploymentPage.rotation(rotate(12, "failed", null, "the retention plan changed"));
    assertThat(refused.applicable()).isFalse();
    assertThat(refused.summary()).contains("failed: the retention plan changed");
    DeploymentPage.Rotation unreadable =
        DeploymentPage.rotation(rotate(13, "completed", "{\"applied\":false}", null));
    assertThat(unreadable.applicable()).as("a plan it cannot read is not offered").isFalse();
  }

  @Test
  void anEventShowsItsMomentInUtc() {
    assertThat(
            DeploymentPage.event(
                new EventLog.EventView(
                    1,
                    "2026-12-05T14:00:00+01:00",
                    "db1",
                    "job.failed",
                    "error",
                    "operator",
                    "base-backup failed")))
        .isEqualTo(
            new DeploymentPage.EventRow(
                "2026-12-05 13:00:00 UTC", "error", "job.failed", "base-backup failed"));
  }

  @Test
  void theWalCoverageShowsEachTimelinesRangeAndEndAndEachGapsImpact() {
    assertThat(
            DeploymentPage.timeline(
                new WalAudit.TimelineCoverage(
                    1,
                    "000000010000000000000002",
                    "000000010000000000000005",
                    4,
                    false,
                    "0/5000100")))
        .isEqualTo(
            new DeploymentPage.TimelineRow(
                1,
                "000000010000000000000002",
                "000000010000000000000005",
                4,
                "branches at 0/5000100"));
    assertThat(
            DeploymentPage.timeline(
                    new WalAudit.TimelineCoverage(
                        2, "000000020000000000000005", "000000020000000000000007", 3, true, null))
                .end())
        .isEqualTo("partial (still streaming)");
    assertThat(
            DeploymentPage.gap(
                new WalAudit.Gap(
                    1,
                    "000000010000000000000003",
                    "000000010000000000000004",
                    "missing",
                    WalAudit.Impact.BEFORE_NEWEST_BACKUP)))
        .isEqualTo(
            new DeploymentPage.GapRow(
                1,
                "000000010000000000000003 … 000000010000000000000004",
                "missing",
                "recovery to moments before the newest backup"));
    assertThat(
            DeploymentPage.gap(
                    new WalAudit.Gap(
                        2,
                        "000000020000000000000006",
                        "000000020000000000000006",
                        "only a partial segment, but later WAL exists",
                        WalAudit.Impact.NEWEST_BACKUP))
                .segments())
        .isEqualTo("000000020000000000000006");
  }
}
