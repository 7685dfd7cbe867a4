package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index from the packs (format spec §14.1, "Rebuilding the index"):
 *
 * <ol>
 *   <li>under a shared lock, which keeps GC from deleting a pack meanwhile: read the footer and
 *       trailer of every pack, and write new index files ({@code putIfAbsent}) for the intact packs
 *       no intact index file lists;
 *   <li>only then, and only if there are damaged index objects, under an exclusive lock, which
 *       keeps every writer out: index packs that appeared unindexed since step 1 the same way, and
 *       delete the damaged index objects.
 * </ol>
 *
 * Crash-safe: a damaged index object is deleted only once every pack it could list is listed by an
 * intact file, and a stop anywhere leaves at worst duplicate index entries (harmless, §11.3) and
 * damaged objects the next run deletes. Idempotent: a second run finds every pack listed and writes
 * and deletes nothing.
 */
final class IndexRebuilder {
  private static final Logger LOG = LoggerFactory.getLogger(IndexRebuilder.class);

  private final RepoContext ctx;
  private final Map<String, DamagedObject> damagedPacks = new TreeMap<>();
  private final Set<PackId> scanned = new HashSet<>();
  private final List<String> written = new ArrayList<>();
  private final Set<String> replaced = new java.util.TreeSet<>();
  private int indexed;

  IndexRebuilder(RepoContext ctx) {
    this.ctx = ctx;
  }

  IndexRebuild rebuild() {
    try (RepositoryLock shared = ctx.locks().acquire(LockKind.SHARED, "index rebuild")) {
      ctx.indexes().reload();
      indexUnlisted(shared, true);
    }
    List<String> removed = new ArrayList<>();
    if (!ctx.indexes().damaged().isEmpty()) {
      try (RepositoryLock exclusive =
          ctx.locks().acquire(LockKind.EXCLUSIVE, "index rebuild: removing damaged index files")) {
        ctx.indexes().reload();
        indexUnlisted(exclusive, false);
        for (String name : ctx.indexes().damaged().keySet()) {
          exclusive.checkHeld();
          ctx.indexes().delete(name);
          removed.add(IndexStore.PREFIX + name);
          LOG.info("deleted damaged index file {}{}", IndexStore.PREFIX, name);
        }
      }
    }
    ctx.indexes().reload();
    return new IndexRebuild(
        scanned.size(),
        indexed,
        written,
        removed,
        List.copyOf(replaced),
        List.copyOf(damagedPacks.values()));
  }

  /**
   * Reads the trailers of every pack ({@code all}) or of the packs no intact index file lists, and
   * writes index files for those of the latter that are intact.
   */
  private void indexUnlisted(RepositoryLock lock, boolean all) {
    Set<PackId> listed = ctx.indexes().coveredPacks();
    Map<PackId, List<PackEntry>> unlisted = new LinkedHashMap<>();
    for (Map.Entry<PackId, Long> pack : StoredPacks.list(ctx.store()).entrySet()) {
      PackId id = pack.getKey();
      if (!all && listed.contains(id)) {
        continue;
      }
      scanned.add(id);
      List<PackEntry> entries;
      try {
        entries = StoredPacks.readEntries(ctx.store(), ctx.keys().cipher(), id, pack.getValue());
      } catch (RepositoryCorruptException e) {
        damagedPacks.put(id.hex(), new DamagedObject(id.key().value(), e.getMessage()));
        LOG.warn("pack {} cannot be indexed: {}", id.key(), e.getMessage());
        continue;
      } catch (ObjectNotFoundException e) {
        continue; // deleted since the listing: nothing left to index
      }
      if (!listed.contains(id)) {
        unlisted.put(id, entries);
      }
    }
    indexed += unlisted.size();
    Set<String> damagedBefore = ctx.indexes().damaged().keySet();
    for (String name : ctx.indexes().writeBatched(unlisted, lock)) {
      written.add(IndexStore.PREFIX + name);
      if (damagedBefore.contains(name)) {
        replaced.add(IndexStore.PREFIX + name);
      }
    }
  }
}
