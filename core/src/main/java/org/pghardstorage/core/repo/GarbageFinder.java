package org.pghardstorage.core.repo;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectInfo;

/** Computes references for GC (format spec §14). Reads every manifest once. */
final class GarbageFinder {
  private final RepoContext ctx;
  private final BackupCatalog catalog;

  GarbageFinder(RepoContext ctx, BackupCatalog catalog) {
    this.ctx = ctx;
    this.catalog = catalog;
  }

  /** Every pack in {@code data/}. */
  List<PackId> listPacks() {
    return List.copyOf(packSizes().keySet());
  }

  /** Every pack in {@code data/} with its stored size, in key order. */
  Map<PackId, Long> packSizes() {
    return StoredPacks.list(ctx.store());
  }

  /** References of every committed backup. */
  GarbageReport find() {
    return find(Map.of());
  }

  /**
   * References of every committed backup except {@code ignored}: what GC would find once those are
   * deleted. Loads index files written since the last load first.
   */
  GarbageReport find(Map<Deployment, Set<BackupId>> ignored) {
    ctx.indexes().loadNew();
    Set<PackId> referenced = new HashSet<>();
    Set<ChunkId> unindexed = new HashSet<>();
    for (Deployment d : catalog.deployments()) {
      Set<BackupId> skip = ignored.getOrDefault(d, Set.of());
      for (BackupId id : catalog.list(d)) {
        if (!skip.contains(id)) {
          // Empty if deleted between list and read: then it references nothing.
          catalog.read(d, id).ifPresent(m -> addReferences(m, referenced, unindexed));
        }
      }
    }
    Map<PackId, Long> sizes = packSizes();
    Set<PackId> unreferenced = new HashSet<>(sizes.keySet());
    unreferenced.removeAll(referenced);
    long bytes = unreferenced.stream().mapToLong(sizes::get).sum();
    Set<String> unreferencedIndexes = new HashSet<>();
    for (Map.Entry<String, List<PackId>> file : ctx.indexes().files().entrySet()) {
      if (file.getValue().stream().noneMatch(referenced::contains)) {
        unreferencedIndexes.add(file.getKey());
      }
    }
    Set<String> damaged = new TreeSet<>();
    ctx.indexes().damaged().keySet().forEach(name -> damaged.add(IndexStore.PREFIX + name));
    return new GarbageReport(
        referenced,
        unreferenced,
        bytes,
        unreferencedIndexes,
        unindexed,
        damaged,
        orphanPostgresManifests());
  }

  /** {@code backup_manifest} keys whose backup has no {@code manifest}. */
  private Set<String> orphanPostgresManifests() {
    Set<String> committed = new HashSet<>();
    Set<String> pgManifests = new TreeSet<>();
    for (ObjectInfo info : ctx.store().list(BackupCatalog.PREFIX)) {
      String key = info.key().value();
      int slash = key.lastIndexOf('/');
      String dir = key.substring(0, slash);
      String name = key.substring(slash + 1);
      if (name.equals(BackupCatalog.MANIFEST)) {
        committed.add(dir);
      } else if (name.equals(BackupCatalog.POSTGRES_MANIFEST)) {
        pgManifests.add(dir);
      }
    }
    Set<String> out = new TreeSet<>();
    for (String dir : pgManifests) {
      if (!committed.contains(dir)) {
        out.add(dir + "/" + BackupCatalog.POSTGRES_MANIFEST);
      }
    }
    return out;
  }

  private void addReferences(BackupManifest m, Set<PackId> referenced, Set<ChunkId> unindexed) {
    Set<ChunkId> seen = new HashSet<>();
    m.chunkRefs()
        .map(ChunkRef::id)
        .filter(seen::add)
        .forEach(
            c -> {
              Optional<ChunkLocation> loc = ctx.index().find(c);
              if (loc.isPresent()) {
                referenced.add(loc.get().pack());
              } else {
                unindexed.add(c);
              }
            });
  }
}
