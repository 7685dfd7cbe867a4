package org.pghardstorage.core.repo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private static final PreviousFiles NONE = new PreviousFiles(Optional.empty(), Map.of(), Map.of());

  private final Optional<BackupId> backup;
  private final Map<String, List<ChunkRef>> layouts;
  private final Map<String, FileRef> contents;

  private PreviousFiles(
      Optional<BackupId> backup,
      Map<String, List<ChunkRef>> layouts,
      Map<String, FileRef> contents) {
    this.backup = backup;
    this.layouts = layouts;
    this.contents = contents;
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
        Optional.of(manifest.backupId()), Map.copyOf(layouts), Map.copyOf(contents));
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
