package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Format spec §12: a lock is refused when this host's clock and the storage's (the last-modified
 * time the store gives the new lock object) differ by more than the lock margin, one heartbeat
 * interval (5 minutes by default).
 */
class ClockSkewTest {
  private static final Instant STORAGE_TIME = Instant.parse("2026-11-30T19:00:00Z");

  private final MutableClock storage = new MutableClock(STORAGE_TIME);
  private final MemoryObjectStore store = new MemoryObjectStore("skew", storage);

  private Repository openWithClockAt(Duration offset) {
    Repository.init(store, RepoFixtures.small(), RepoFixtures.open().withIdentity(storage, "h", 1))
        .close();
    return Repository.open(
        store,
        RepoFixtures.open().withIdentity(new MutableClock(STORAGE_TIME.plus(offset)), "h", 1));
  }

  @ParameterizedTest
  @ValueSource(longs = {301, -301, 7200, -86_400})
  void aSkewBeyondTheMarginIsRefusedWithTheFiguresAndLeavesNoLock(long seconds) {
    try (Repository repo = openWithClockAt(Duration.ofSeconds(seconds))) {
      assertThatThrownBy(() -> repo.lock(LockKind.SHARED, "backup db1"))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RepositoryErrors.CLOCK_SKEW);
                assertThat(e.exitCode()).isEqualTo(ExitCode.PREFLIGHT_REFUSED);
                assertThat(e.getMessage())
                    .contains(STORAGE_TIME.toString())
                    .contains(STORAGE_TIME.plusSeconds(seconds).toString())
                    .contains(String.format("%d.000 s", Math.abs(seconds)))
                    .contains("at most 300.000 s");
              });
      assertThat(store.list("locks/")).as("our lock object was released").isEmpty();
      assertThatThrownBy(() -> RepoFixtures.backup(repo, RepoFixtures.id(1), new byte[] {1}))
          .hasFieldOrPropertyWithValue("code", RepositoryErrors.CLOCK_SKEW);
      assertThatThrownBy(repo::removeStaleLocks)
          .hasFieldOrPropertyWithValue("code", RepositoryErrors.CLOCK_SKEW);
      assertThat(store.list("locks/")).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 299, -299})
  void aSkewWithinTheMarginIsAccepted(long seconds) {
    try (Repository repo = openWithClockAt(Duration.ofSeconds(seconds));
        RepositoryLock lock = repo.lock(LockKind.EXCLUSIVE, "rotate db1")) {
      assertThat(lock.isHeld()).isTrue();
    }
  }
}
