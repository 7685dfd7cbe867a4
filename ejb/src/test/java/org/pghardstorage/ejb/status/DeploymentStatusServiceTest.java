package org.pghardstorage.ejb.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.core.status.HealthFacts;
import org.pghardstorage.core.status.HealthRules;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.job.JobRunView;

/** How the server turns its streamer's state into the facts of the one health model. */
class DeploymentStatusServiceTest {
  /** A backup of an hour ago, WAL written ten seconds ago, no gaps. */
  private static final DeploymentSummary SUMMARY =
      new DeploymentSummary(
          "db1",
          1,
          "20261205T120000Z-aaaaaa",
          Instant.parse("2026-12-05T12:00:00Z"),
          3600L,
          "0/2000100",
          "20261205T120000Z-aaaaaa",
          1L,
          "000000010000000000000002",
          true,
          Instant.parse("2026-12-05T12:59:50Z"),
          10L,
          List.of(),
          List.of());

  private static StreamerStatus streamer(StreamerStatus.State state, double lagSeconds) {
    return new StreamerStatus(
        "db1",
        "pg_hardstorage_db1",
        state,
        1L,
        Lsn.INVALID,
        Lsn.INVALID,
        Lsn.INVALID,
        0,
        lagSeconds,
        null,
        null,
        0,
        0,
        List.of());
  }

  private static HealthFacts facts(
      boolean wanted, Optional<StreamerStatus> here, Optional<String> elsewhere) {
    return DeploymentStatusService.facts(SUMMARY, Optional.of(true), wanted, here, elsewhere);
  }

  @Test
  void aStreamerStreamingHereIsGreenWithItsLagAsRpo() {
    HealthFacts f =
        facts(true, Optional.of(streamer(StreamerStatus.State.STREAMING, 0.5)), Optional.empty());

    DeploymentHealth h = HealthRules.DEFAULT.judge(f);

    assertThat(h.status()).isEqualTo(DeploymentHealth.Status.GREEN);
    assertThat(f.rpo()).contains(Duration.ofMillis(500));
  }

  @Test
  void aStreamerReconnectingHereOrSwitchedOffIsDownAndTheRpoIsTheAgeOfTheNewestWal() {
    for (HealthFacts f :
        List.of(
            facts(
                true, Optional.of(streamer(StreamerStatus.State.CONNECTING, 0)), Optional.empty()),
            facts(false, Optional.empty(), Optional.empty()),
            facts(true, Optional.empty(), Optional.empty()))) {
      assertThat(f.streaming()).contains(false);
      assertThat(f.rpo()).contains(Duration.ofSeconds(10));
      assertThat(HealthRules.DEFAULT.judge(f).status()).isEqualTo(DeploymentHealth.Status.AMBER);
    }
  }

  @Test
  void aStreamerOnAnotherInstanceIsNotGuessed() {
    HealthFacts f = facts(true, Optional.empty(), Optional.of("other-instance"));

    assertThat(f.streaming()).isEmpty();
    assertThat(HealthRules.DEFAULT.judge(f).reasons())
        .contains("whether a streamer receives the WAL cannot be told");
  }

  private static final VerificationRecord FAILED_VERIFICATION =
      new VerificationRecord(
          VerificationRecord.SCHEMA,
          SUMMARY.lastBackupId(),
          false,
          Instant.parse("2026-12-05T12:30:00Z"),
          2,
          0,
          10,
          4096,
          1000,
          "0.1.0");

  private static final JobRunView FAILED_RUN =
      new JobRunView(
          7,
          70L,
          "base-backup",
          "db1",
          "scheduler",
          "schedule",
          "failed",
          "2026-12-05T13:00:00Z",
          "2026-12-05T13:00:05Z",
          0,
          0,
          null,
          "connection refused",
          "host-a");

  private static BackupView catalogued(String id) {
    return new BackupView(
        "db1",
        id,
        "label",
        1,
        "0/2000028",
        "0/2000100",
        "2026-12-05T11:59:00Z",
        "2026-12-05T12:00:00Z",
        "18.1",
        100,
        10,
        5,
        0.9,
        null,
        null,
        null);
  }

  private static final Instant READ_AT = Instant.parse("2026-12-05T13:00:00Z");

  private static RepositoryFactsCache.Read read(DeploymentStatusService.RepositoryFacts facts) {
    return new RepositoryFactsCache.Read(facts, READ_AT);
  }

  @Test
  void theOverviewGathersEachFactFromItsSourceAndJudgesByTheOneModel() {
    DeploymentOverview o =
        DeploymentStatusService.overview(
            "db1",
            () ->
                read(
                    new DeploymentStatusService.RepositoryFacts(
                        SUMMARY, Optional.of(FAILED_VERIFICATION))),
            true,
            Optional.of(streamer(StreamerStatus.State.STREAMING, 2.4)),
            Optional.empty(),
            Optional.of(FAILED_RUN),
            Optional.of(catalogued(SUMMARY.lastBackupId())),
            Optional.of(123_456L));

    assertThat(o.health()).isEqualTo("red");
    assertThat(o.healthReasons()).contains("the newest backup failed verification");
    assertThat(o.streamer()).isEqualTo("STREAMING");
    assertThat(o.streamerInstance()).isNull();
    assertThat(o.walLagBytes()).isZero();
    assertThat(o.walLagSeconds()).isEqualTo(2.4);
    assertThat(o.rpoSeconds()).isEqualTo(2L);
    assertThat(o.lastBackupId()).isEqualTo(SUMMARY.lastBackupId());
    assertThat(o.lastBackupFinishedAt()).isEqualTo(SUMMARY.lastBackupFinishedAt());
    assertThat(o.lastBackupAgeSeconds()).isEqualTo(3600L);
    assertThat(o.lastBackupRunState()).isEqualTo("failed");
    assertThat(o.lastBackupRunError()).isEqualTo("connection refused");
    assertThat(o.lastVerifiedAt()).isEqualTo(Instant.parse("2026-12-05T12:30:00Z"));
    assertThat(o.lastVerifyOk()).isFalse();
    assertThat(o.repositoryBytes()).isEqualTo(123_456L);
    assertThat(o.dedupRatio()).isEqualTo(0.9);
  }

  @Test
  void aCatalogueTrailingTheRepositoryGivesNoDedupRatio() {
    DeploymentOverview o =
        DeploymentStatusService.overview(
            "db1",
            () -> read(new DeploymentStatusService.RepositoryFacts(SUMMARY, Optional.empty())),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(catalogued("20261204T120000Z-bbbbbb")),
            Optional.empty());

    assertThat(o.dedupRatio()).isNull();
    assertThat(o.streamer()).isEqualTo("off");
    assertThat(o.health()).isEqualTo("amber");
    assertThat(o.rpoSeconds()).isEqualTo(10L);
    assertThat(o.lastVerifiedAt()).isNull();
    assertThat(o.lastVerifyOk()).isNull();
    assertThat(o.lastBackupRunState()).isNull();
    assertThat(o.repositoryBytes()).isNull();
    assertThat(o.repositoryReadAt()).isEqualTo(READ_AT);
  }

  private static RepositoryFactsCache.Read unreadable() {
    throw new HardstorageException(
        "storage.unavailable", ExitCode.UNREACHABLE, "the bucket is unreachable", null);
  }

  @Test
  void anUnreadableRepositoryMakesTheHealthUnknownAndItsFiguresNullNotZero() {
    DeploymentOverview elsewhere =
        DeploymentStatusService.overview(
            "db1",
            DeploymentStatusServiceTest::unreadable,
            true,
            Optional.empty(),
            Optional.of("host-b"),
            Optional.of(FAILED_RUN),
            Optional.of(catalogued(SUMMARY.lastBackupId())),
            Optional.of(1L));
    DeploymentOverview streamingHere =
        DeploymentStatusService.overview(
            "db1",
            DeploymentStatusServiceTest::unreadable,
            true,
            Optional.of(streamer(StreamerStatus.State.STREAMING, 3.0)),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    assertThat(elsewhere.health()).isEqualTo("unknown");
    assertThat(elsewhere.healthReasons()).containsExactly("the bucket is unreachable");
    assertThat(elsewhere.streamer()).isEqualTo("elsewhere");
    assertThat(elsewhere.streamerInstance()).isEqualTo("host-b");
    assertThat(elsewhere.repositoryReadAt()).isNull();
    assertThat(elsewhere.walLagBytes()).isNull();
    assertThat(elsewhere.walLagSeconds()).isNull();
    assertThat(elsewhere.rpoSeconds()).isNull();
    assertThat(elsewhere.lastBackupId()).isNull();
    assertThat(elsewhere.lastBackupAgeSeconds()).isNull();
    assertThat(elsewhere.lastVerifyOk()).isNull();
    assertThat(elsewhere.dedupRatio()).isNull();
    assertThat(elsewhere.lastBackupRunState()).isEqualTo("failed");
    assertThat(elsewhere.repositoryBytes()).isEqualTo(1L);
    // the streamer's lag is the RPO by the one rule, whatever the repository
    assertThat(streamingHere.rpoSeconds()).isEqualTo(3L);
    assertThat(streamingHere.health()).isEqualTo("unknown");
  }

  @Test
  void aStreamerSwitchedOnThatRunsNowhereKnownIsNotRunning() {
    DeploymentOverview o =
        DeploymentStatusService.overview(
            "db1",
            () -> read(new DeploymentStatusService.RepositoryFacts(SUMMARY, Optional.empty())),
            true,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    assertThat(o.streamer()).isEqualTo("not running");
    assertThat(o.healthReasons()).contains("no streamer receives the WAL");
  }
}
