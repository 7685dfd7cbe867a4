package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    List<PackId> out = new ArrayList<>();
    for (ObjectInfo info : ctx.store().list("data/")) {
      String name = info.key().name();
      if (PackId.isValid(name)
          && info.key().value().equals("data/" + name.substring(0, 2) + "/" + name)) {
        out.add(PackId.parse(name));
      }
    }
    return out;
  }

  GarbageReport find() {
    ctx.indexes().loadNew();
    Set<PackId> referenced = new HashSet<>();
    Set<ChunkId> unindexed = new HashSet<>();
    for (Deployment d : catalog.deployments()) {
      for (BackupId id : catalog.list(d)) {
        // Empty if deleted between list and read: then it references nothing.
        catalog.read(d, id).ifPresent(m -> addReferences(m, referenced, unindexed));
      }
    }
    Set<PackId> unreferenced = new HashSet<>(listPacks());
    unreferenced.removeAll(referenced);
    Set<String> unreferencedIndexes = new HashSet<>();
    for (Map.Entry<String, List<PackId>> file : ctx.indexes().files().entrySet()) {
      if (file.getValue().stream().noneMatch(referenced::contains)) {
        unreferencedIndexes.add(file.getKey());
      }
    }
    return new GarbageReport(referenced, unreferenced, unreferencedIndexes, unindexed);
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
