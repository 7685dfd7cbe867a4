package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.ejb.catalogue.BackupView;

/** The overview's deployment lines: the page shows what the services say, judged nowhere else. */
class ConsoleViewTest {
  private static BackupView backup(Boolean verifyOk) {
    return new BackupView(
        "db1",
        "20261205T120000Z-aaaaaa",
        "pg_hardstorage db1",
        1,
        "0/2000028",
        "0/2000100",
        "2026-12-05T12:00:00Z",
        "2026-12-05T12:01:00Z",
        "18.1",
        100,
        10,
        5,
        0.9,
        verifyOk == null ? null : "2026-12-05T13:00:00Z",
        verifyOk,
        verifyOk == null ? null : 0);
  }

  private static StreamerStatus streaming() {
    return new StreamerStatus(
        "db1",
        "pg_hardstorage_db1",
        StreamerStatus.State.STREAMING,
        1L,
        Lsn.INVALID,
        Lsn.INVALID,
        Lsn.INVALID,
        4096,
        0.1,
        null,
        null,
        0,
        0,
        List.of());
  }

  @Test
  void aLineShowsTheStreamerTheNewestBackupAndTheServicesHealth() {
    ConsoleView.DeploymentRow row =
        ConsoleView.row(
            "db1",
            true,
            Optional.of(streaming()),
            Optional.of(backup(true)),
            () ->
                new DeploymentHealth(
                    DeploymentHealth.Status.AMBER, 12L, List.of("one reason", "another")));

    assertThat(row.streamer()).isEqualTo("STREAMING");
    assertThat(row.lagBytes()).isEqualTo("4096");
    assertThat(row.lastBackup()).isEqualTo("2026-12-05T12:01:00Z (20261205T120000Z-aaaaaa)");
    assertThat(row.verified()).isEqualTo("passed 2026-12-05T13:00:00Z");
    assertThat(row.health()).isEqualTo("amber");
    assertThat(row.healthReasons()).isEqualTo("one reason; another");
  }

  @Test
  void aHealthThatCannotBeJudgedIsUnknownWithTheReasonNotAGuess() {
    ConsoleView.DeploymentRow row =
        ConsoleView.row(
            "db1",
            true,
            Optional.empty(),
            Optional.of(backup(false)),
            () -> {
              throw new HardstorageException(
                  "storage.unavailable", ExitCode.UNREACHABLE, "the bucket is unreachable", null);
            });

    assertThat(row.streamer()).isEqualTo("elsewhere");
    assertThat(row.verified()).isEqualTo("FAILED");
    assertThat(row.health()).isEqualTo("unknown");
    assertThat(row.healthReasons()).isEqualTo("the bucket is unreachable");
    assertThat(
            ConsoleView.row(
                "db2",
                false,
                Optional.empty(),
                Optional.empty(),
                () ->
                    new DeploymentHealth(DeploymentHealth.Status.RED, null, List.of("no backup"))))
        .satisfies(
            r -> {
              assertThat(r.streamer()).isEqualTo("off");
              assertThat(r.lastBackup()).isEmpty();
            });
  }
}
