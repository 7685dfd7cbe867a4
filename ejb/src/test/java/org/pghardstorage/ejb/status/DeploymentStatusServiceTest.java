package org.pghardstorage.ejb.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.core.status.HealthFacts;
import org.pghardstorage.core.status.HealthRules;
import org.pghardstorage.core.wal.StreamerStatus;

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
}
