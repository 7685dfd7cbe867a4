package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.storage.retry.RetryListener;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.pghardstorage.core.storage.retry.RetryingObjectStore;

/**
 * A create whose answer is lost (the object was stored, then the connection dropped) and that is
 * then retried finds its own object: a manifest commit and a lock must succeed, not fail as a
 * conflict with themselves. Retried by {@link RetryingObjectStore}, or inside a backend (the S3 SDK
 * retries on its own, and the second attempt answers "already exists").
 */
class LostResponseTest {
  private static final byte[] DATA = pages(51, 12);
  private static final RetryPolicy QUICK =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1));

  private final MemoryObjectStore memory = new MemoryObjectStore("lost");

  @Test
  void aManifestWhoseAnswerWasLostIsCommittedOnRetry() {
    Repository.init(memory, RepoFixtures.small(), RepoFixtures.open()).close();
    ObjectStore store =
        new RetryingObjectStore(
            new LosesAnswers(memory, k -> k.name().equals("manifest"), true),
            QUICK,
            RetryListener.NONE);
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), DATA);
      assertThat(repo.readManifest(DB1, id(1))).contains(m);
      assertThat(repo.listLocks()).isEmpty();
    }
  }

  @Test
  void aLockWhoseAnswerWasLostIsTakenOnRetry() {
    Repository.init(memory, RepoFixtures.small(), RepoFixtures.open()).close();
    ObjectStore store =
        new RetryingObjectStore(
            new LosesAnswers(memory, k -> k.value().startsWith("locks/"), true),
            QUICK,
            RetryListener.NONE);
    try (Repository repo = Repository.open(store, RepoFixtures.open());
        RepositoryLock lock = repo.lock(LockKind.EXCLUSIVE, "rotate db1")) {
      assertThat(lock.isHeld()).isTrue();
      assertThat(repo.listLocks()).extracting(LockInfo::id).containsExactly(lock.id());
    }
  }

  @Test
  void aBackendThatRetriesOnItsOwnAnswersAlreadyExistsAndThatIsNoConflictEither() {
    ObjectStore store =
        new LosesAnswers(
            memory,
            k ->
                k.equals(Repository.CONFIG)
                    || k.name().equals("manifest")
                    || k.value().startsWith("locks/"),
            false);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), DATA);
      assertThat(repo.readManifest(DB1, id(1))).contains(m);
      try (RepositoryLock lock = repo.lock(LockKind.SHARED, "restore db1")) {
        assertThat(lock.isHeld()).isTrue();
      }
    }
  }

  @Test
  void aManifestThatIsReallyThereWithOtherContentIsStillAConflict() {
    try (Repository repo = Repository.init(memory, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), DATA);
      byte[] first = memory.get(BackupCatalog.manifestKey(DB1, id(1)));
      // The writer checks for an existing manifest when it starts; one appearing later is found
      // by the commit's create.
      BackupWriter w = repo.newBackup(DB1, id(2));
      FileEntry file = RepoFixtures.write(w, DATA).toEntry("f0", 0600, Instant.EPOCH);
      memory.put(BackupCatalog.manifestKey(DB1, id(2)), first);
      BackupManifest second = RepoFixtures.manifest(id(2), List.of(file), w.stats());
      assertThatThrownBy(() -> w.commit(second, RepoFixtures.PG_MANIFEST))
          .hasFieldOrPropertyWithValue("code", RepositoryErrors.BACKUP_EXISTS);
      assertThat(memory.get(BackupCatalog.manifestKey(DB1, id(2)))).isEqualTo(first);
    }
  }

  /**
   * Loses the answer to the first create of every matching key: the object is stored, then the call
   * throws as a dropped connection would ({@code throwing}), or, as a backend that retried by
   * itself, the call answers "already exists".
   */
  private static final class LosesAnswers extends DelegatingStore {
    private final Predicate<ObjectKey> which;
    private final boolean throwing;
    private final Set<ObjectKey> lost = ConcurrentHashMap.newKeySet();

    LosesAnswers(ObjectStore delegate, Predicate<ObjectKey> which, boolean throwing) {
      super(delegate);
      this.which = which;
      this.throwing = throwing;
    }

    @Override
    public boolean putIfAbsent(ObjectKey key, byte[] data) {
      boolean created = delegate.putIfAbsent(key, data);
      if (created && which.test(key) && lost.add(key)) {
        if (throwing) {
          throw new StorageUnavailableException(
              "injected: connection reset after " + key, null, null);
        }
        return false;
      }
      return created;
    }
  }
}
