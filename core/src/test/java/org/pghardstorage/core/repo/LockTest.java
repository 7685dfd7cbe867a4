package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class LockTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T19:00:00Z"));
  private final MemoryObjectStore store = new MemoryObjectStore("locks", clock);
  private Repository a;
  private Repository b;

  @BeforeEach
  void setUp() {
    Repository.init(store, RepoFixtures.small(), options("host-a", 100)).close();
    a = Repository.open(store, options("host-a", 100));
    b = Repository.open(store, options("host-b", 200));
  }

  @AfterEach
  void tearDown() {
    a.close();
    b.close();
  }

  private OpenOptions options(String host, long pid) {
    return RepoFixtures.open().withIdentity(clock, host, pid);
  }

  @Test
  void sharedLocksCoexistAndExcludeExclusive() {
    try (RepositoryLock s1 = a.lock(LockKind.SHARED, "backup db1");
        RepositoryLock s2 = b.lock(LockKind.SHARED, "wal db1")) {
      assertThat(a.listLocks()).hasSize(2);
      assertThatThrownBy(() -> b.lock(LockKind.EXCLUSIVE, "gc"))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("repo.locked");
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                assertThat(e.getMessage())
                    .contains("backup db1")
                    .contains("host-a pid 100")
                    .contains(s1.id());
              });
      // The refused attempt removed its own lock object.
      assertThat(a.listLocks()).hasSize(2);
    }
    try (RepositoryLock x = b.lock(LockKind.EXCLUSIVE, "gc")) {
      assertThat(x.isHeld()).isTrue();
      assertThatThrownBy(() -> a.lock(LockKind.SHARED, "restore"))
          .hasFieldOrPropertyWithValue("code", "repo.locked")
          .hasMessageContaining("exclusive lock")
          .hasMessageContaining("host-b");
      assertThatThrownBy(() -> a.newBackup(DB1, id(1)))
          .hasFieldOrPropertyWithValue("code", "repo.locked");
      assertThatThrownBy(() -> a.lock(LockKind.EXCLUSIVE, "prune"))
          .hasFieldOrPropertyWithValue("code", "repo.locked");
    }
    assertThat(a.listLocks()).isEmpty();
  }

  @Test
  void waitingGivesUpAfterTheDeadline() {
    try (RepositoryLock x = a.lock(LockKind.EXCLUSIVE, "gc")) {
      assertThatThrownBy(() -> b.lock(LockKind.SHARED, "backup", Duration.ZERO))
          .hasFieldOrPropertyWithValue("code", "repo.locked");
    }
    try (RepositoryLock s = b.lock(LockKind.SHARED, "backup", Duration.ofSeconds(5))) {
      assertThat(s.isHeld()).isTrue();
    }
  }

  @Test
  void staleLocksAreIgnoredAndRemovable() {
    RepositoryLock crashed = a.lock(LockKind.SHARED, "backup of a crashed process");
    clock.advance(Duration.ofMinutes(24));
    assertThat(crashed.isHeld()).isTrue();
    clock.advance(Duration.ofMinutes(5));
    // The holder gives up one heartbeat interval before others may break its lock.
    assertThat(crashed.isHeld()).isFalse();
    assertThat(b.listLocks()).singleElement().satisfies(l -> assertThat(l.stale()).isFalse());
    assertThatThrownBy(() -> b.lock(LockKind.EXCLUSIVE, "gc"))
        .hasFieldOrPropertyWithValue("code", "repo.locked");

    clock.advance(Duration.ofMinutes(2));
    assertThat(b.listLocks()).singleElement().satisfies(l -> assertThat(l.stale()).isTrue());
    try (RepositoryLock x = b.lock(LockKind.EXCLUSIVE, "gc")) {
      assertThat(x.isHeld()).isTrue();
    }
    assertThat(b.removeStaleLocks()).extracting(LockInfo::id).containsExactly(crashed.id());
    assertThat(b.listLocks()).isEmpty();
    assertThatThrownBy(crashed::checkHeld)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("repo.lock_lost");
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
            });
    crashed.close(); // deleting an already removed lock is fine
  }

  @Test
  void aLockWhoseObjectWasRemovedIsLost() {
    RepositoryLock lock = a.lock(LockKind.SHARED, "restore");
    store.delete(ObjectKey.of("locks/" + lock.id()));
    a.context().locks().refresh(lock);
    assertThat(lock.isHeld()).isFalse();
    assertThatThrownBy(lock::checkHeld).hasMessageContaining("removed");
    lock.close();
  }

  @Test
  void aBackupWhoseLockExpiredDoesNotCommit() {
    BackupWriter w = a.newBackup(DB1, id(1));
    FileRef ref = RepoFixtures.write(w, pages(1, 4));
    clock.advance(Duration.ofMinutes(31)); // e.g. the process was suspended
    assertThatThrownBy(
            () ->
                w.commit(
                    RepoFixtures.manifest(
                        id(1), java.util.List.of(ref.toEntry("f", 0600, Instant.EPOCH)), w.stats()),
                    RepoFixtures.PG_MANIFEST))
        .hasFieldOrPropertyWithValue("code", "repo.lock_lost");
    assertThat(b.listBackups(DB1)).isEmpty();
  }

  @Test
  void theHeartbeatRefreshesTheLockObject() throws Exception {
    try (Repository fast =
        Repository.open(
            store,
            options("host-c", 300).withLockTiming(Duration.ofMillis(20), Duration.ofMinutes(1)))) {
      RepositoryLock lock = fast.lock(LockKind.SHARED, "wal db1");
      clock.advance(Duration.ofSeconds(30));
      ObjectKey key = ObjectKey.of("locks/" + lock.id());
      ObjectMapper json = new ObjectMapper();
      Instant expected = clock.instant();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      JsonNode node = json.readTree(store.get(key));
      while (!Instant.parse(node.get("heartbeat_at").asText()).equals(expected)
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
        node = json.readTree(store.get(key));
      }
      assertThat(node.get("heartbeat_at").asText()).isEqualTo(expected.toString());
      assertThat(node.get("schema").asText()).isEqualTo("pg_hardstorage.lock.v1");
      assertThat(node.get("kind").asText()).isEqualTo("shared");
      assertThat(node.get("host").asText()).isEqualTo("host-c");
      assertThat(node.get("pid").asLong()).isEqualTo(300);
      assertThat(lock.isHeld()).isTrue();
    }
    assertThat(a.listLocks()).as("closing the repository released its lock").isEmpty();
  }

  @Test
  void anUnreadableLockCountsAsExclusiveUntilStale() {
    store.put(ObjectKey.of("locks/garbage"), "{oops".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> a.lock(LockKind.SHARED, "backup"))
        .hasMessageContaining("unreadable lock object");
    clock.advance(Duration.ofMinutes(31));
    try (RepositoryLock s = a.lock(LockKind.SHARED, "backup")) {
      assertThat(s.isHeld()).isTrue();
    }
  }

  @Test
  void walAppendLocksCoexistWithEveryKindAndAreStoredAsSharedWithAScope() throws Exception {
    try (RepositoryLock streamer = a.lock(LockKind.WAL_APPEND, "WAL streamer of db1")) {
      try (RepositoryLock gc = b.lock(LockKind.EXCLUSIVE, "rotate db1")) {
        assertThat(gc.isHeld()).isTrue();
        // and a streamer (re)starting during a rotation is not refused either
        try (RepositoryLock second = b.lock(LockKind.WAL_APPEND, "WAL streamer of db2")) {
          assertThat(second.isHeld()).isTrue();
        }
        assertThatThrownBy(() -> a.lock(LockKind.SHARED, "backup db1"))
            .hasFieldOrPropertyWithValue("code", "repo.locked")
            .hasMessageContaining("rotate db1")
            .hasMessageNotContaining("WAL streamer");
      }
      try (RepositoryLock backup = b.lock(LockKind.SHARED, "backup db1")) {
        assertThat(backup.isHeld()).isTrue();
      }
      JsonNode node =
          new ObjectMapper().readTree(store.get(ObjectKey.of("locks/" + streamer.id())));
      assertThat(node.get("kind").asText()).isEqualTo("shared");
      assertThat(node.get("scope").asText()).isEqualTo("wal-append");
      assertThat(b.listLocks())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.kind()).isEqualTo(LockKind.WAL_APPEND);
                assertThat(l.describe()).startsWith("wal-append lock");
              });
    }
  }

  @Test
  void sharedLocksWithoutOrWithAnUnknownScopeStillExcludeExclusiveOnes() {
    for (String scope : new String[] {"", ", \"scope\": \"from-a-newer-release\""}) {
      store.put(
          ObjectKey.of("locks/older"),
          ("{\"schema\": \"pg_hardstorage.lock.v1\", \"kind\": \"shared\""
                  + scope
                  + ", \"purpose\": \"WAL streamer of db1\", \"host\": \"old\", \"pid\": 7,"
                  + " \"created_at\": \"2026-11-30T19:00:00Z\","
                  + " \"heartbeat_at\": \"2026-11-30T19:00:00Z\"}")
              .getBytes(StandardCharsets.UTF_8));
      assertThat(a.listLocks())
          .singleElement()
          .extracting(LockInfo::kind)
          .isEqualTo(LockKind.SHARED);
      assertThatThrownBy(() -> a.lock(LockKind.EXCLUSIVE, "rotate db1"))
          .as("scope '%s'", scope)
          .hasFieldOrPropertyWithValue("code", "repo.locked");
      store.delete(ObjectKey.of("locks/older"));
    }
  }

  @Test
  void conflictsAreSymmetric() {
    for (LockKind x : LockKind.values()) {
      for (LockKind y : LockKind.values()) {
        assertThat(x.conflictsWith(y)).as("%s vs %s", x, y).isEqualTo(y.conflictsWith(x));
      }
    }
    assertThat(LockKind.EXCLUSIVE.conflictsWith(LockKind.WAL_APPEND)).isFalse();
    assertThat(LockKind.SHARED.conflictsWith(LockKind.SHARED)).isFalse();
    assertThat(LockKind.EXCLUSIVE.conflictsWith(LockKind.SHARED)).isTrue();
  }
}
