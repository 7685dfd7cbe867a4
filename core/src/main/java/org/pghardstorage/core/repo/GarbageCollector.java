package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pghardstorage.core.storage.ObjectKey;

/**
 * Deletes unreferenced packs and the index entries naming them, in an order that keeps every
 * committed backup restorable if it stops at any point (format spec §14.2):
 *
 * <ol>
 *   <li>write new index files listing the referenced packs of every index file that also lists an
 *       unreferenced pack (unless another kept index file lists them already);
 *   <li>delete those old index files;
 *   <li>delete the unreferenced packs;
 *   <li>delete {@code backup_manifest} objects of backups that never committed.
 * </ol>
 *
 * A referenced pack is never deleted and is named by an index file at every moment, so a stop
 * anywhere leaves only garbage that the next run collects. Runs under an exclusive lock, which it
 * re-checks before every batch of deletions.
 */
final class GarbageCollector {
  /** Deletions between two checks that our lock is still held. */
  private static final int BATCH = 64;

  private final RepoContext ctx;
  private final GarbageFinder finder;

  GarbageCollector(RepoContext ctx, BackupCatalog catalog) {
    this.ctx = ctx;
    this.finder = new GarbageFinder(ctx, catalog);
  }

  GarbageCollection collect(RepositoryLock lock) {
    lock.checkHeld();
    // Packs of writers in this process that aborted become ordinary index entries first, so they
    // are collected like any other garbage and no later flush can name a deleted pack.
    ctx.indexes().flush();
    ctx.indexes().reload();
    GarbageReport report = finder.find();
    requireSafe(report);
    Set<PackId> live = report.referencedPacks();
    Map<String, List<PackId>> files = ctx.indexes().files();
    List<String> doomed = new ArrayList<>();
    Set<PackId> listedByKept = new HashSet<>();
    for (Map.Entry<String, List<PackId>> f : files.entrySet()) {
      if (live.containsAll(f.getValue())) {
        listedByKept.addAll(f.getValue());
      } else {
        doomed.add(f.getKey());
      }
    }
    List<String> written = rewrite(doomed, live, listedByKept, lock);
    deleteIndexFiles(doomed, lock);
    long bytes = report.unreferencedPackBytes();
    int packs = deletePacks(report.unreferencedPacks(), lock);
    int orphans = deleteOrphans(report.orphanPostgresManifests(), lock);
    ctx.indexes().reload();
    return new GarbageCollection(packs, bytes, written.size(), doomed.size(), orphans);
  }

  /** Step 1: the referenced packs of doomed files, in new index files. */
  private List<String> rewrite(
      List<String> doomed, Set<PackId> live, Set<PackId> listedByKept, RepositoryLock lock) {
    Map<PackId, List<PackEntry>> carried = new LinkedHashMap<>();
    for (String file : doomed) {
      ctx.indexes()
          .read(file)
          .forEach(
              (pack, entries) -> {
                if (live.contains(pack) && !listedByKept.contains(pack)) {
                  carried.putIfAbsent(pack, entries);
                }
              });
    }
    List<String> written = ctx.indexes().writeBatched(carried, lock);
    // Cannot happen (a doomed file lists a dead pack, a new one does not), but deleting a file
    // just written would unindex live packs, so make sure before anything is deleted.
    for (String name : written) {
      if (doomed.contains(name)) {
        throw new IllegalStateException("new index file " + name + " is one about to be deleted");
      }
    }
    return written;
  }

  /** Step 2. */
  private void deleteIndexFiles(List<String> doomed, RepositoryLock lock) {
    for (int i = 0; i < doomed.size(); i++) {
      if (i % BATCH == 0) {
        lock.checkHeld();
      }
      ctx.indexes().delete(doomed.get(i));
    }
  }

  /** Step 3, oldest key first so that a stopped run leaves a predictable remainder. */
  private int deletePacks(Set<PackId> dead, RepositoryLock lock) {
    int n = 0;
    for (PackId pack : new TreeSet<>(dead)) {
      if (n % BATCH == 0) {
        lock.checkHeld();
      }
      ctx.store().delete(pack.key());
      n++;
    }
    return n;
  }

  /** Step 4. */
  private int deleteOrphans(Set<String> orphans, RepositoryLock lock) {
    lock.checkHeld();
    for (String key : orphans) {
      ctx.store().delete(ObjectKey.of(key));
    }
    return orphans.size();
  }

  private static void requireSafe(GarbageReport report) {
    if (!report.safeToCollect()) {
      throw RepositoryErrors.gcUnsafe(report);
    }
  }
}
