package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** What {@code repo locks} and {@code repo unlock} rest on: {@link RepositoryLocks}. */
class LockAdministrationTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T19:00:00Z"));
  private final MemoryObjectStore store = new MemoryObjectStore("unlock", clock);

  private OpenOptions options(String host) {
    return RepoFixtures.open().withIdentity(clock, host, 42);
  }

  @Test
  void locksAreListedAndStaleOnesRemovedWithoutTheKey() {
    Repository.init(store, RepoFixtures.smallEncrypted(), options("a")).close();
    try (Repository holder =
        Repository.open(store, options("a").withPassphrase(RepoFixtures.PASSPHRASE))) {
      RepositoryLock crashed = holder.lock(LockKind.SHARED, "backup of a crashed process");
      clock.advance(Duration.ofMinutes(31));
      RepositoryLock live = holder.lock(LockKind.SHARED, "restore db1");

      RepositoryLocks locks = RepositoryLocks.open(store, options("operator"));

      assertThat(locks.list())
          .extracting(LockInfo::id, LockInfo::stale)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(crashed.id(), true),
              org.assertj.core.groups.Tuple.tuple(live.id(), false));
      assertThat(locks.removeStale())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.id()).isEqualTo(crashed.id());
                assertThat(l.purpose()).isEqualTo("backup of a crashed process");
                assertThat(l.host()).isEqualTo("a");
              });
      assertThat(locks.list()).extracting(LockInfo::id).containsExactly(live.id());
      live.close();
    }
  }

  @Test
  void aLiveLockIsRemovedOnlyByIdAndWithForce() {
    Repository.init(store, RepoFixtures.small(), options("a")).close();
    try (Repository holder = Repository.open(store, options("a"))) {
      RepositoryLock live = holder.lock(LockKind.EXCLUSIVE, "rotate db1");
      RepositoryLocks locks = RepositoryLocks.open(store, options("operator"));

      assertThat(locks.removeStale()).isEmpty();
      assertThatThrownBy(() -> locks.remove(live.id(), false))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RepositoryErrors.LOCK_LIVE);
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                assertThat(e.getMessage()).contains("rotate db1").contains("held by a pid 42");
                assertThat(e.suggestion())
                    .hasValueSatisfying(s -> assertThat(s).contains("--force"));
              });
      assertThat(live.isHeld()).isTrue();

      LockInfo removed = locks.remove(live.id(), true);

      assertThat(removed.purpose()).isEqualTo("rotate db1");
      assertThat(locks.list()).isEmpty();
      holder.context().locks().refresh(live);
      assertThat(live.isHeld()).as("the holder notices").isFalse();
      live.close();
    }
  }

  @Test
  void unknownAndMalformedIdsAreNamed() {
    Repository.init(store, RepoFixtures.small(), options("a")).close();
    RepositoryLocks locks = RepositoryLocks.open(store, options("operator"));
    assertThatThrownBy(() -> locks.remove("0123456789abcdef0123456789abcdef", true))
        .hasFieldOrPropertyWithValue("code", RepositoryErrors.LOCK_NOT_FOUND)
        .hasFieldOrPropertyWithValue("exitCode", ExitCode.NOT_FOUND);
    assertThatThrownBy(() -> locks.remove("../config", true))
        .hasFieldOrPropertyWithValue("code", RepositoryErrors.INVALID_LOCK_ID)
        .hasFieldOrPropertyWithValue("exitCode", ExitCode.USAGE)
        .hasMessageContaining("'../config'");
    assertThat(store.stat(Repository.CONFIG)).isPresent();
  }

  @Test
  void thereMustBeARepository() {
    assertThatThrownBy(() -> RepositoryLocks.open(store, options("operator")))
        .hasFieldOrPropertyWithValue("code", RepositoryErrors.NOT_FOUND);
  }
}
