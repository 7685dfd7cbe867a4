package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.ejb.status.DeploymentOverview;

/** The dashboard's deployment lines: the page formats what the service says, and judges nothing. */
class ConsoleViewTest {
  private static final String ID = "20261205T120000Z-aaaaaa";
  private static final Instant VERIFIED = Instant.parse("2026-12-05T13:00:00Z");

  /** An overview whose figures are all unknown (null) until set. */
  private static final class Overview {
    String health = "unknown";
    List<String> reasons = List.of();
    String streamer = "off";
    String instance;
    Long lagBytes;
    Double lagSeconds;
    Long rpo;
    String backupId;
    Long backupAge;
    String runState;
    String runError;
    Instant verifiedAt;
    Boolean verifyOk;
    Long repositoryBytes;
    Double dedup;

    ConsoleView.DeploymentRow row() {
      return ConsoleView.row(
          new DeploymentOverview(
              "db1",
              health,
              reasons,
              streamer,
              instance,
              lagBytes,
              lagSeconds,
              rpo,
              backupId,
              backupId == null ? null : Instant.parse("2026-12-05T12:01:00Z"),
              backupAge,
              runState,
              runError,
              verifiedAt,
              verifyOk,
              repositoryBytes,
              dedup));
    }
  }

  @Test
  void aLineShowsEveryFigureReadably() {
    Overview o = new Overview();
    o.health = "amber";
    o.reasons = List.of("one reason", "another");
    o.streamer = "STREAMING";
    o.lagBytes = 4096L;
    o.lagSeconds = 0.25;
    o.rpo = 1L;
    o.backupId = ID;
    o.backupAge = 3L * 3600 + 12 * 60;
    o.runState = "completed";
    o.verifiedAt = VERIFIED;
    o.verifyOk = true;
    o.repositoryBytes = 3L * 1024 * 1024 * 1024 / 2;
    o.dedup = 0.357;

    ConsoleView.DeploymentRow row = o.row();

    assertThat(row.name()).isEqualTo("db1");
    assertThat(row.health()).isEqualTo("amber");
    assertThat(row.healthReasons()).isEqualTo("one reason; another");
    assertThat(row.streamer()).isEqualTo("STREAMING");
    assertThat(row.walLag()).isEqualTo("4.0 KiB, 0.3 s");
    assertThat(row.rpo()).isEqualTo("1 s");
    assertThat(row.lastBackup()).isEqualTo("3 h 12 min ago (" + ID + ")");
    assertThat(row.lastBackupResult()).isEqualTo("completed");
    assertThat(row.lastVerification()).isEqualTo("passed 2026-12-05 13:00:00 UTC");
    assertThat(row.repositorySize()).isEqualTo("1.5 GiB");
    assertThat(row.dedupRatio()).isEqualTo("35.7 %");
  }

  @Test
  void whatTheServiceCannotTellIsUnknownNeverAZero() {
    Overview o = new Overview();
    o.reasons = List.of("the bucket is unreachable");
    o.streamer = "elsewhere";
    o.instance = "host-b:/srv/payara";

    ConsoleView.DeploymentRow row = o.row();

    assertThat(row.health()).isEqualTo("unknown");
    assertThat(row.healthReasons()).isEqualTo("the bucket is unreachable");
    assertThat(row.streamer()).isEqualTo("elsewhere (host-b:/srv/payara)");
    assertThat(
            List.of(
                row.walLag(),
                row.rpo(),
                row.lastBackup(),
                row.lastBackupResult(),
                row.lastVerification(),
                row.repositorySize(),
                row.dedupRatio()))
        .containsOnly("unknown");
  }

  @Test
  void aFailedVerificationAndAFailedBackupJobAreSaidInWords() {
    Overview o = new Overview();
    o.health = "red";
    o.reasons = List.of("the newest backup failed verification");
    o.rpo = 600L;
    o.backupId = ID;
    o.backupAge = 9L * 86_400 + 2 * 3600 + 59;
    o.runState = "failed";
    o.runError = "connection refused";
    o.verifiedAt = VERIFIED;
    o.verifyOk = false;
    o.repositoryBytes = 512L;

    ConsoleView.DeploymentRow row = o.row();

    assertThat(row.health()).isEqualTo("red");
    assertThat(row.streamer()).isEqualTo("off");
    assertThat(row.walLag()).isEqualTo("unknown");
    assertThat(row.rpo()).isEqualTo("10 min 0 s");
    assertThat(row.lastBackup()).isEqualTo("9 d 2 h ago (" + ID + ")");
    assertThat(row.lastBackupResult()).isEqualTo("failed: connection refused");
    assertThat(row.lastVerification()).isEqualTo("FAILED 2026-12-05 13:00:00 UTC");
    assertThat(row.repositorySize()).isEqualTo("512 B");
    assertThat(row.dedupRatio()).isEqualTo("unknown");
  }

  @Test
  void aDeploymentWithoutABackupSaysNoneAndANeverVerifiedBackupSaysNever() {
    Overview none = new Overview();
    none.health = "red";
    none.reasons = List.of("no backup");
    none.streamer = "not running";
    none.repositoryBytes = 0L;
    Overview never = new Overview();
    never.health = "green";
    never.streamer = "STREAMING";
    never.lagBytes = 0L;
    never.lagSeconds = 0.0;
    never.rpo = 0L;
    never.backupId = ID;
    never.backupAge = 59L;
    never.runState = "running";
    never.repositoryBytes = 2048L;
    never.dedup = 0.0;

    assertThat(none.row())
        .satisfies(
            r -> {
              assertThat(r.streamer()).isEqualTo("not running");
              assertThat(r.lastBackup()).isEqualTo("none");
              assertThat(r.lastVerification()).isEqualTo("none");
              assertThat(r.rpo()).isEqualTo("unknown");
              assertThat(r.repositorySize()).isEqualTo("0 B");
            });
    assertThat(never.row())
        .satisfies(
            r -> {
              assertThat(r.healthReasons()).isEmpty();
              assertThat(r.walLag()).isEqualTo("0 B, 0.0 s");
              assertThat(r.rpo()).isEqualTo("0 s");
              assertThat(r.lastBackup()).isEqualTo("59 s ago (" + ID + ")");
              assertThat(r.lastBackupResult()).isEqualTo("running");
              assertThat(r.lastVerification()).isEqualTo("never");
              assertThat(r.repositorySize()).isEqualTo("2.0 KiB");
              assertThat(r.dedupRatio()).isEqualTo("0.0 %");
            });
  }

  private static ConsoleView.DeploymentRow live(String lag, String age, String backupJob) {
    return new ConsoleView.DeploymentRow(
        "db1",
        "green",
        "",
        "STREAMING",
        lag,
        "1 s",
        age + " ago (20261205T120000Z-aaaaaa)",
        backupJob,
        "never",
        "1.0 MiB",
        "10.0 %");
  }

  @Test
  void theLiveFingerprintMovesWithTheStatesNotWithAgesAndLags() {
    ConsoleView.DeploymentRow row = live("4.0 KiB, 0.3 s", "3 min 2 s", "completed");
    ConsoleView.DeploymentRow older = live("8.0 KiB, 0.9 s", "3 min 7 s", "completed");
    ConsoleView.DeploymentRow running = live("8.0 KiB, 0.9 s", "3 min 7 s", "running");

    String now = ConsoleView.fingerprint(List.of(row), List.of(), 7);
    assertThat(ConsoleView.fingerprint(List.of(older), List.of(), 7)).isEqualTo(now);
    assertThat(ConsoleView.fingerprint(List.of(running), List.of(), 7)).isNotEqualTo(now);
    assertThat(ConsoleView.fingerprint(List.of(row), List.of(), 8))
        .as("ages and lags are re-rendered once a minute")
        .isNotEqualTo(now);
  }
}
