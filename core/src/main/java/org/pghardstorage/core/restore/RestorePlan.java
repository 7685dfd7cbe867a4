package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.PackId;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.ArchiveKind;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.FileType;

/**
 * Everything a restore will write and where, decided before the target is touched: the backup, the
 * directory of each archive, the recovery settings, and where every chunk is stored.
 *
 * @param manifest the chosen backup
 * @param dataDir the data directory (normalised, absolute)
 * @param archives each archive with the directory it goes to, base first
 * @param tablespaces where each tablespace goes
 * @param walDir the directory {@code pg_wal} links to, if the operator asked for one
 * @param failedVerification why the backup's own record says not to restore it, if it does
 * @param recovery the settings to write
 * @param locations where every referenced chunk is stored
 */
record RestorePlan(
    BackupManifest manifest,
    Path dataDir,
    List<ArchiveTarget> archives,
    List<TablespaceTarget> tablespaces,
    Optional<Path> walDir,
    Optional<String> failedVerification,
    RecoverySettings recovery,
    Map<ChunkId, ChunkLocation> locations) {

  RestorePlan {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(walDir, "walDir");
    Objects.requireNonNull(failedVerification, "failedVerification");
    archives = List.copyOf(archives);
    tablespaces = List.copyOf(tablespaces);
    locations = Map.copyOf(locations);
  }

  /**
   * A directory the restore fills, empties ({@code --force}) and marks while it works.
   *
   * @param path the directory
   * @param role what it is, for messages and the preview ({@code data directory}, {@code tablespace
   *     16385 (recorded location)}, …)
   * @param tablespaceOid the tablespace, 0 for the data and WAL directories
   * @param chosenByOperator whether the operator named it (target, a remap, --waldir) rather than a
   *     manifest
   */
  record Root(Path path, String role, long tablespaceOid, boolean chosenByOperator) {}

  /** Every directory the restore writes into: the data directory first, then tablespaces, WAL. */
  List<Root> roots() {
    List<Root> out = new ArrayList<>();
    out.add(new Root(dataDir, "data directory", 0, true));
    for (TablespaceTarget t : tablespaces) {
      out.add(
          new Root(
              Path.of(t.location()),
              "tablespace "
                  + t.oid()
                  + (t.remapped() ? " (--tablespace-map)" : " (recorded location)"),
              t.oid(),
              t.remapped()));
    }
    walDir.ifPresent(w -> out.add(new Root(w, "WAL directory (--waldir)", 0, true)));
    return out;
  }

  /**
   * One archive and its destination.
   *
   * @param archive the archive
   * @param root the directory its paths are relative to
   * @param remapped for a tablespace: whether the operator chose the directory
   */
  record ArchiveTarget(Archive archive, Path root, boolean remapped) {
    boolean isBase() {
      return archive.kind() == ArchiveKind.BASE;
    }

    /** The file's path as PostgreSQL's backup_manifest names it. */
    String label(FileEntry f) {
      return isBase() ? f.path() : "pg_tblspc/" + archive.tablespaceOid() + "/" + f.path();
    }
  }

  long fileCount() {
    return files().count();
  }

  /** Bytes of file content. */
  long bytes() {
    return files().mapToLong(FileEntry::size).sum();
  }

  /** Sealed bytes of the distinct chunks to fetch. */
  long storedBytes() {
    return locations.values().stream().mapToLong(ChunkLocation::length).sum();
  }

  /** Distinct packs holding the chunks. */
  long packs() {
    Set<PackId> packs = new HashSet<>();
    locations.values().forEach(l -> packs.add(l.pack()));
    return packs.size();
  }

  private Stream<FileEntry> files() {
    return archives.stream()
        .flatMap(a -> a.archive().files().stream())
        .filter(f -> f.type() == FileType.FILE);
  }
}
