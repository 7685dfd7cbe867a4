package org.pghardstorage.ejb.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.ejb.status.DeploymentStatusService.RepositoryFacts;

/** The dashboard's short-lived repository reads: expiry, ageing, and failures never kept. */
class RepositoryFactsCacheTest {
  private static final Instant T0 = Instant.parse("2026-12-05T13:00:00Z");

  /**
   * A clock the test moves by hand (a named fake: time is the one thing not real here). Not core's
   * MutableClock: core's test jar also registers a memory:// store, which this module's tests must
   * see refused (DeploymentServiceTest).
   */
  private static final class SteppedClock extends Clock {
    private Instant now = T0;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final SteppedClock clock = new SteppedClock();
  private final RepositoryFactsCache cache =
      new RepositoryFactsCache(clock, Duration.ofSeconds(30));
  private final AtomicInteger reads = new AtomicInteger();

  private static RepositoryFacts facts(String lastBackup) {
    return new RepositoryFacts(
        new DeploymentSummary(
            "db1",
            1,
            lastBackup,
            T0.minusSeconds(3600),
            3600L,
            "0/2000100",
            lastBackup,
            1L,
            "000000010000000000000002",
            true,
            T0.minusSeconds(10),
            10L,
            List.of(),
            List.of()),
        Optional.empty());
  }

  private Supplier<RepositoryFacts> repository(String lastBackup) {
    return () -> {
      reads.incrementAndGet();
      return facts(lastBackup);
    };
  }

  private Supplier<RepositoryFacts> unreachable() {
    return () -> {
      reads.incrementAndGet();
      throw new HardstorageException(
          "storage.unavailable", ExitCode.UNREACHABLE, "the bucket is unreachable", null);
    };
  }

  @Test
  void aReadIsServedUntilItExpiresWithItsAgesAdvanced() {
    RepositoryFactsCache.Read first = cache.get("db1", repository("A"));
    assertThat(first.readAt()).isEqualTo(T0);
    assertThat(first.facts().summary().lastBackupAgeSeconds()).isEqualTo(3600L);

    clock.advance(Duration.ofSeconds(29));
    RepositoryFactsCache.Read kept = cache.get("db1", repository("B"));
    assertThat(reads).hasValue(1);
    assertThat(kept.readAt()).isEqualTo(T0);
    assertThat(kept.facts().summary().lastBackupId()).isEqualTo("A");
    // served 29 s later: the backup and the WAL are 29 s older, never younger than they are
    assertThat(kept.facts().summary().lastBackupAgeSeconds()).isEqualTo(3629L);
    assertThat(kept.facts().summary().walAgeSeconds()).isEqualTo(39L);

    clock.advance(Duration.ofSeconds(1));
    RepositoryFactsCache.Read again = cache.get("db1", repository("B"));
    assertThat(reads).hasValue(2);
    assertThat(again.readAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(again.facts().summary().lastBackupId()).isEqualTo("B");
    assertThat(again.facts().summary().lastBackupAgeSeconds()).isEqualTo(3600L);
  }

  @Test
  void aFailedReadIsNeverKeptNorAnsweredFromAnOlderSuccess() {
    cache.get("db1", repository("A"));
    clock.advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> cache.get("db1", unreachable()))
        .hasMessageContaining("the bucket is unreachable");
    // still failing: read again, not served the old success nor a kept failure
    assertThatThrownBy(() -> cache.get("db1", unreachable()))
        .hasMessageContaining("the bucket is unreachable");
    assertThat(reads).hasValue(3);
    // once it reads again, that read is served
    assertThat(cache.get("db1", repository("C")).facts().summary().lastBackupId()).isEqualTo("C");
    assertThat(reads).hasValue(4);
  }

  @Test
  void deploymentsAreKeptApartAndForgotten() {
    cache.get("db1", repository("A"));
    cache.get("db2", repository("B"));
    assertThat(cache.get("db2", repository("X")).facts().summary().lastBackupId()).isEqualTo("B");
    cache.retain(List.of("db2"));
    assertThat(cache.get("db1", repository("D")).facts().summary().lastBackupId()).isEqualTo("D");
    cache.forget("db2");
    assertThat(cache.get("db2", repository("E")).facts().summary().lastBackupId()).isEqualTo("E");
    assertThat(reads).hasValue(4);
  }

  @Test
  void aClockThatWentBackMakesTheEntryStale() {
    cache.get("db1", repository("A"));
    clock.advance(Duration.ofSeconds(-5));
    assertThat(cache.get("db1", repository("B")).facts().summary().lastBackupId()).isEqualTo("B");
  }
}
