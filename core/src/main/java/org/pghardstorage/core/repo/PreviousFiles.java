package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.FileType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk layout of every file of the deployment's previous backup, by archive and path: where
 * {@link BackupWriter#writeFile(java.io.InputStream, List)} cuts a file first (format spec §5.1).
 * Only a hint: a layout is used only where the new bytes hash to the recorded ids and the index
 * holds the chunks, so a stale or damaged layout costs dedup, never correctness. Immutable.
 */
public final class PreviousFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PreviousFiles.class);
  private static final PreviousFiles NONE =
      new PreviousFiles(Optional.empty(), Map.of(), Map.of(), Set.of());

  private final Optional<BackupId> backup;
  private final Map<String, List<ChunkRef>> layouts;
  private final Map<String, FileRef> contents;
  private final Set<ChunkId> sparse;

  private PreviousFiles(
      Optional<BackupId> backup,
      Map<String, List<ChunkRef>> layouts,
      Map<String, FileRef> contents,
      Set<ChunkId> sparse) {
    this.backup = backup;
    this.layouts = layouts;
    this.contents = contents;
    this.sparse = sparse;
  }

  /**
   * One file's previous chunk refs, in order, and the chunks among them that are too sparsely used
   * to refer to again (format spec §5.1): their ranges are stored anew, so a chunk of which little
   * is still used stops being referenced and garbage collection can reclaim it.
   *
   * @param refs the file's refs in the previous backup; empty for a new file
   * @param sparse chunks the previous backup uses less than half of, over all its files
   */
  public record Layout(List<ChunkRef> refs, Set<ChunkId> sparse) {
    /** Copies the arguments. */
    public Layout {
      refs = List.copyOf(refs);
      sparse = Set.copyOf(sparse);
    }

    /** A layout with no sparse chunks, as a caller without a previous manifest knows it. */
    public static Layout of(List<ChunkRef> refs) {
      return new Layout(refs, Set.of());
    }

    /** Whether {@code ref}'s chunk may be referred to again. */
    public boolean reusable(ChunkRef ref) {
      return !sparse.contains(ref.id());
    }
  }

  /** No previous backup: every file is cut by the content-defined chunker alone. */
  public static PreviousFiles none() {
    return NONE;
  }

  /**
   * The layouts of {@code manifest}'s regular files. A layout that could not have come from a
   * writer of this format (a chunk ref other than the last not a whole number of pages) is left out
   * with a warning: that file is cut as if new.
   */
  public static PreviousFiles of(BackupManifest manifest) {
    Map<String, List<ChunkRef>> layouts = new HashMap<>();
    Map<String, FileRef> contents = new HashMap<>();
    for (Archive a : manifest.archives()) {
      for (FileEntry f : a.files()) {
        if (f.type() == FileType.FILE) {
          contents.put(
              key(a.tablespaceOid(), f.path()),
              new FileRef(f.size(), f.chunks(), f.checksum().orElseThrow()));
        }
        if (f.type() != FileType.FILE || f.chunks().isEmpty()) {
          continue;
        }
        if (pageAligned(f.chunks())) {
          layouts.put(key(a.tablespaceOid(), f.path()), f.chunks());
        } else {
          LOG.warn(
              "backup {}: the chunks of {} are not page-aligned; cutting it without its previous"
                  + " boundaries",
              manifest.backupId(),
              f.path());
        }
      }
    }
    return new PreviousFiles(
        Optional.of(manifest.backupId()),
        Map.copyOf(layouts),
        Map.copyOf(contents),
        sparseChunks(manifest));
  }

  /**
   * The chunks {@code manifest} refers to only by slices that together cover less than half of the
   * chunk's bytes. A whole ref anywhere uses the whole chunk; overlapping slices count once.
   */
  static Set<ChunkId> sparseChunks(BackupManifest manifest) {
    Set<ChunkId> whole = new HashSet<>();
    Map<ChunkId, List<ChunkRef.Slice>> slices = new HashMap<>();
    Map<ChunkId, Integer> rawLengths = new HashMap<>();
    manifest
        .chunkRefs()
        .forEach(
            r -> {
              if (r.slice() == null) {
                whole.add(r.id());
              } else {
                slices.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r.slice());
                rawLengths.put(r.id(), r.rawLength());
              }
            });
    Set<ChunkId> out = new HashSet<>();
    slices.forEach(
        (id, parts) -> {
          if (!whole.contains(id) && 2 * covered(parts) < rawLengths.get(id)) {
            out.add(id);
          }
        });
    return Set.copyOf(out);
  }

  /** Bytes covered by the union of {@code parts}. */
  private static long covered(List<ChunkRef.Slice> parts) {
    parts.sort(Comparator.comparingInt(ChunkRef.Slice::offset));
    long sum = 0;
    long end = 0;
    for (ChunkRef.Slice p : parts) {
      long from = Math.max(end, p.offset());
      long to = (long) p.offset() + p.length();
      if (to > from) {
        sum += to - from;
        end = to;
      }
    }
    return sum;
  }

  /** The backup the layouts come from, if any. */
  public Optional<BackupId> backup() {
    return backup;
  }

  /**
   * The previous chunk refs of a file, in order; empty if the previous backup did not hold it.
   *
   * @param tablespaceOid 0 for the data directory, else the tablespace's oid
   * @param path the file's path within its archive
   */
  public List<ChunkRef> chunks(long tablespaceOid, String path) {
    return layouts.getOrDefault(key(tablespaceOid, path), List.of());
  }

  /**
   * A file's previous refs with the backup's sparse chunks: what {@link
   * BackupWriter#writeFile(java.io.InputStream, Layout)} cuts the file by.
   *
   * @param tablespaceOid 0 for the data directory, else the tablespace's oid
   * @param path the file's path within its archive
   */
  public Layout layout(long tablespaceOid, String path) {
    return new Layout(chunks(tablespaceOid, path), sparse);
  }

  /**
   * The content of a regular file of the previous backup, whatever its layout: what an incremental
   * backup rebuilds a file from (format spec §5.2).
   *
   * @param tablespaceOid 0 for the data directory, else the tablespace's oid
   * @param path the file's path within its archive
   * @return the file's size, chunk refs in order (none for an empty file) and CRC32C, as the
   *     previous manifest records them; empty if the previous backup did not hold a regular file
   *     there
   */
  public Optional<FileRef> content(long tablespaceOid, String path) {
    return Optional.ofNullable(contents.get(key(tablespaceOid, path)));
  }

  private static boolean pageAligned(List<ChunkRef> chunks) {
    for (int i = 0; i < chunks.size() - 1; i++) {
      if (chunks.get(i).length() % ChunkerParams.PAGE_SIZE != 0) {
        return false;
      }
    }
    return true;
  }

  private static String key(long tablespaceOid, String path) {
    return tablespaceOid + "/" + path;
  }
}
