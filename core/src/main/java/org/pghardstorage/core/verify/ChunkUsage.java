package org.pghardstorage.core.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.PackId;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.ArchiveKind;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.FileType;

/**
 * Which files use which chunks, and which packs hold them: the map from damage (a chunk, a pack)
 * back to the files an operator cares about.
 */
final class ChunkUsage {
  /**
   * One regular file of the backup.
   *
   * @param label its path as PostgreSQL's backup_manifest names it
   * @param entry its manifest entry
   */
  record BackupFile(String label, FileEntry entry) {}

  private final List<BackupFile> files = new ArrayList<>();
  private final Map<ChunkId, Set<String>> filesOfChunk = new HashMap<>();
  private final Map<PackId, Set<ChunkId>> chunksOfPack = new TreeMap<>();
  private final Map<ChunkId, Set<String>> unindexed = new LinkedHashMap<>();

  ChunkUsage(BackupManifest manifest, ChunkReader reader) {
    for (Archive a : manifest.archives()) {
      for (FileEntry f : a.files()) {
        if (f.type() != FileType.FILE) {
          continue;
        }
        String label = label(a, f);
        files.add(new BackupFile(label, f));
        for (ChunkRef ref : f.chunks()) {
          filesOfChunk.computeIfAbsent(ref.id(), id -> new LinkedHashSet<>()).add(label);
        }
      }
    }
    for (ChunkId id : filesOfChunk.keySet()) {
      Optional<ChunkLocation> loc = reader.locate(id);
      if (loc.isPresent()) {
        chunksOfPack.computeIfAbsent(loc.get().pack(), p -> new LinkedHashSet<>()).add(id);
      } else {
        unindexed.put(id, filesOfChunk.get(id));
      }
    }
  }

  /** A file's path as PostgreSQL's backup_manifest names it. */
  static String label(Archive a, FileEntry f) {
    return a.kind() == ArchiveKind.BASE
        ? f.path()
        : "pg_tblspc/" + a.tablespaceOid() + "/" + f.path();
  }

  /** Every regular file, in manifest order. */
  List<BackupFile> files() {
    return files;
  }

  /** The packs holding the backup's chunks, in id order. */
  Set<PackId> packs() {
    return chunksOfPack.keySet();
  }

  /** Referenced chunks that no index file names, with the files using them. */
  Map<ChunkId, Set<String>> unindexed() {
    return unindexed;
  }

  /** The files using {@code chunk}; empty if the backup does not use it. */
  List<String> filesOf(ChunkId chunk) {
    return List.copyOf(filesOfChunk.getOrDefault(chunk, Set.of()));
  }

  /** The files using any chunk the backup keeps in {@code pack}. */
  List<String> filesOf(PackId pack) {
    Set<String> out = new LinkedHashSet<>();
    for (ChunkId id : chunksOfPack.getOrDefault(pack, Set.of())) {
      out.addAll(filesOfChunk.get(id));
    }
    return List.copyOf(out);
  }

  /** The backup's chunks in {@code pack}. */
  Set<ChunkId> chunksIn(PackId pack) {
    return chunksOfPack.getOrDefault(pack, Set.of());
  }
}
