package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.FileType;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * What a restore with fsync makes durable, and in which order: every restored file synced with its
 * final mode and time, {@code global/pg_control} after every other file, directories after their
 * files; syncs of different files in flight at once; a failed sync fails the restore. A {@link
 * Fs.Forcer} stands in for fsync and records each call (the real fsync cannot be observed).
 */
class DurableRestoreTest {
  @TempDir Path tmp;
  private Repository repo;

  @AfterEach
  void close() {
    if (repo != null) {
      repo.close();
    }
  }

  /** One call of the forcer: what was synced, and the mode and time it had at that moment. */
  private record Sync(Path path, boolean directory, int mode, Instant mtime) {}

  private Restorer restorer(Fs.Forcer forcer) {
    return new Restorer(
        repo,
        RestoreFixture.guard(repo, tmp.resolve("home")),
        Clock.systemUTC(),
        OsAccess.ofHost(),
        forcer);
  }

  private FakeCluster backup() {
    repo = RestoreFixture.init(new MemoryObjectStore("durable"));
    FakeCluster cluster = FakeCluster.typical();
    cluster.commit(repo, id(1));
    FakeCluster.archiveWal(repo);
    return cluster;
  }

  private static Sync observe(Path p) throws IOException {
    return new Sync(
        p,
        Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS),
        TreeSnapshot.mode(p),
        Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant());
  }

  @Test
  void everyFileIsSyncedWithItsModeAndTimeThenTheControlFileThenTheDirectories() throws Exception {
    FakeCluster cluster = backup();
    Path data = tmp.resolve("data");
    Path ts = tmp.resolve("ts");
    List<Sync> syncs = Collections.synchronizedList(new ArrayList<>());

    restorer((ch, p) -> syncs.add(observe(p)))
        .restore(RestoreFixture.request(data, ts).sync(true).parallelism(2).build(), p -> {});

    List<Sync> order = List.copyOf(syncs);
    for (Map.Entry<String, FakeCluster.Node> e : cluster.base().entrySet()) {
      if (e.getValue().type() != FileType.FILE) {
        continue;
      }
      Path file = data.resolve(e.getKey());
      int first = firstSyncOf(order, file);
      assertThat(first).as("%s synced", e.getKey()).isGreaterThanOrEqualTo(0);
      // postgresql.auto.conf is rewritten with the recovery settings later; its first sync is
      // the restored file's.
      assertThat(order.get(first).mode())
          .as("mode of %s when synced", e.getKey())
          .isEqualTo(e.getValue().mode());
      assertThat(order.get(first).mtime())
          .as("time of %s when synced", e.getKey())
          .isEqualTo(e.getValue().mtime());
      if (!e.getKey().equals(Materialiser.PG_CONTROL)) {
        assertThat(first)
            .as("%s synced before global/pg_control", e.getKey())
            .isLessThan(firstSyncOf(order, data.resolve(Materialiser.PG_CONTROL)));
      }
    }
    for (Map.Entry<String, FakeCluster.Node> e : cluster.tablespace().entrySet()) {
      if (e.getValue().type() == FileType.FILE) {
        int first = firstSyncOf(order, ts.resolve(e.getKey()));
        assertThat(first).as("%s synced", e.getKey()).isGreaterThanOrEqualTo(0);
        assertThat(order.get(first).mtime()).isEqualTo(e.getValue().mtime());
      }
    }
    int control = firstSyncOf(order, data.resolve(Materialiser.PG_CONTROL));
    for (String dir : List.of("", "global", "base/5")) {
      assertThat(lastSyncOf(order, data.resolve(dir)))
          .as("directory '%s' synced after the control file", dir)
          .isGreaterThan(control);
    }
  }

  private static int firstSyncOf(List<Sync> order, Path p) {
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i).path().equals(p)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastSyncOf(List<Sync> order, Path p) {
    for (int i = order.size() - 1; i >= 0; i--) {
      if (order.get(i).path().equals(p) && order.get(i).directory()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * With one worker, the sync of a finished file must not hold the worker: the forcer lets no
   * relation file's sync return until two are in flight at once. Syncing on the worker that wrote
   * the file would wait here forever (the guard below fails it after a minute instead).
   */
  @Test
  void syncsOfDifferentFilesAreInFlightAtOnceEvenWithOneWorker() throws Exception {
    backup();
    Path data = tmp.resolve("data");
    Path base = data.resolve("base");
    CountDownLatch twoInFlight = new CountDownLatch(2);
    Fs.Forcer forcer =
        (ch, p) -> {
          if (p.startsWith(base) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            twoInFlight.countDown();
            try {
              if (!twoInFlight.await(60, TimeUnit.SECONDS)) {
                throw new IOException("no second sync came while " + p + " was being synced");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted", e);
            }
          }
        };

    RestoreResult result =
        restorer(forcer)
            .restore(
                RestoreFixture.request(data, tmp.resolve("ts")).sync(true).parallelism(1).build(),
                p -> {});

    assertThat(twoInFlight.getCount()).isZero();
    assertThat(result.files()).isPositive();
  }

  @Test
  void aFailedSyncFailsTheRestoreBeforeTheControlFileExists() {
    backup();
    Path data = tmp.resolve("data");
    Path broken = data.resolve("base/5/16384");
    Fs.Forcer forcer =
        (ch, p) -> {
          if (p.equals(broken)) {
            throw new IOException("Input/output error (a test stand-in for a failed fsync)");
          }
        };

    assertThatThrownBy(
            () ->
                restorer(forcer)
                    .restore(
                        RestoreFixture.request(data, tmp.resolve("ts"))
                            .sync(true)
                            .parallelism(2)
                            .build(),
                        p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.WRITE_FAILED);
              assertThat(e.getMessage()).contains(broken.toString()).contains("Input/output");
            });
    assertThat(data.resolve(Materialiser.PG_CONTROL)).doesNotExist();
    assertThat(data.resolve(IncompleteMarker.NAME)).exists();
    assertThat(data.resolve("recovery.signal")).doesNotExist();
  }
}
