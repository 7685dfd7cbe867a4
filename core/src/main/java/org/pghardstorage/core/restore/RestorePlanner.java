package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.Tablespace;

/**
 * Turns a {@link RestoreRequest} into a {@link RestorePlan} without writing anything: chooses the
 * backup, applies the {@link ManifestPolicy}, places every archive (a recorded tablespace location
 * only where {@link ProtectedPaths} allows it), checks that targets do not overlap, and locates
 * every chunk, so a restore that cannot finish fails before the target is touched.
 */
final class RestorePlanner {
  private final Repository repo;
  private final BackupChooser chooser;
  private final ProtectedPaths protectedPaths;

  RestorePlanner(Repository repo, ProtectedPaths protectedPaths) {
    this.repo = repo;
    this.chooser = new BackupChooser(repo);
    this.protectedPaths = protectedPaths;
  }

  RestorePlan plan(RestoreRequest request) {
    BackupManifest manifest =
        chooser.choose(request.deployment(), request.backup(), request.recoveryTarget());
    ManifestPolicy.check(manifest, request.walDir().isPresent());
    requireNoGap(request, manifest);
    Path dataDir = request.target().normalize();
    Map<Long, TablespaceTarget> tablespaces =
        placeTablespaces(manifest, request.tablespaceRemaps());
    tablespaces.values().stream()
        .filter(t -> !t.remapped())
        .forEach(t -> requireUsableRecordedLocation(manifest, t));
    List<RestorePlan.ArchiveTarget> archives = new ArrayList<>();
    for (Archive a : manifest.archives()) {
      TablespaceTarget ts = tablespaces.get(a.tablespaceOid());
      RestorePlan.ArchiveTarget target =
          ts == null
              ? new RestorePlan.ArchiveTarget(a, dataDir, false)
              : new RestorePlan.ArchiveTarget(a, Path.of(ts.location()), ts.remapped());
      if (target.isBase()) {
        archives.add(0, target);
      } else {
        archives.add(target);
      }
    }
    Optional<Path> walDir = request.walDir().map(Path::normalize);
    requireDisjoint(dataDir, tablespaces.values(), walDir);
    return new RestorePlan(
        manifest,
        dataDir,
        archives,
        List.copyOf(tablespaces.values()),
        walDir,
        VerificationGate.lastFailure(repo, manifest.deployment(), manifest.backupId()),
        request
            .recoveryTarget()
            .recoverySettings(
                request.restoreCommand(), request.targetAction(), request.targetTimeline()),
        locate(archives));
  }

  /**
   * Recovery cannot cross a hole in the WAL. A target at or beyond a known gap after the backup's
   * start is refused; a gap inside the backup's own WAL refuses every target. A time, name or xid
   * target cannot be placed without reading WAL, so any gap after the backup refuses it:
   * conservative, and the message says how to get around it.
   */
  private void requireNoGap(RestoreRequest request, BackupManifest manifest) {
    RecoveryTarget target = request.recoveryTarget();
    if (!target.isPointInTime()) {
      return;
    }
    org.pghardstorage.core.wal.WalAudit.Report audit =
        org.pghardstorage.core.wal.WalAudit.run(repo, request.deployment());
    org.pghardstorage.core.pg.WalSegmentSize size =
        org.pghardstorage.core.pg.WalSegmentSize.ofBytes(manifest.wal().segmentSize());
    org.pghardstorage.core.pg.Lsn backupStart =
        org.pghardstorage.core.pg.Lsn.parse(manifest.wal().startLsn());
    for (org.pghardstorage.core.wal.WalAudit.Gap g : audit.gaps()) {
      org.pghardstorage.core.pg.Lsn gapStart =
          org.pghardstorage.core.pg.WalSegmentName.parse(g.fromSegment(), size).startLsn();
      org.pghardstorage.core.pg.Lsn gapEnd =
          org.pghardstorage.core.pg.WalSegmentName.parse(g.toSegment(), size).endLsn();
      if (!gapEnd.isAfter(backupStart)) {
        continue; // entirely before this backup's start: the backup does not need it
      }
      boolean blocks = !(target instanceof RecoveryTarget.AtLsn at) || !at.lsn().isBefore(gapStart);
      if (blocks) {
        throw new org.pghardstorage.core.error.HardstorageException(
            "restore.target_in_gap",
            org.pghardstorage.core.error.ExitCode.CONFLICT,
            "the WAL from backup "
                + manifest.backupId()
                + " to "
                + target.describe()
                + " has a gap: "
                + g.fromSegment()
                + ".."
                + g.toSegment()
                + " on timeline "
                + g.timeline()
                + " ("
                + g.reason()
                + ")",
            "choose a target before "
                + gapStart
                + ", or restore from a backup taken after the gap");
      }
    }
  }

  private static Map<Long, TablespaceTarget> placeTablespaces(
      BackupManifest manifest, Map<String, Path> remaps) {
    Set<String> unused = new HashSet<>(remaps.keySet());
    Map<Long, TablespaceTarget> out = new LinkedHashMap<>();
    for (Tablespace t : manifest.tablespaces()) {
      String oid = Long.toString(t.oid());
      Path byOid = remaps.get(oid);
      Path byLocation = remaps.get(t.location());
      unused.remove(oid);
      unused.remove(t.location());
      if (byOid != null && byLocation != null && !byOid.equals(byLocation)) {
        throw RestoreErrors.invalidRequest(
            "tablespace " + oid + " is mapped twice: to " + byOid + " and to " + byLocation,
            "map each tablespace once");
      }
      Path chosen = byOid != null ? byOid : byLocation;
      String location = chosen == null ? t.location() : chosen.normalize().toString();
      out.put(t.oid(), new TablespaceTarget(t.oid(), t.location(), location, chosen != null));
    }
    if (!unused.isEmpty()) {
      List<String> known = new ArrayList<>();
      manifest.tablespaces().forEach(t -> known.add(t.oid() + " (" + t.location() + ")"));
      throw RestoreErrors.invalidRequest(
          "backup "
              + manifest.backupId()
              + " has no tablespace "
              + unused
              + "; its tablespaces are "
              + (known.isEmpty() ? "none" : known),
          "map a tablespace by its oid or its recorded location");
    }
    return out;
  }

  /**
   * A tablespace location taken from the manifest (not chosen by the operator) must be a plain
   * absolute path outside everything a restore protects; otherwise the operator places it.
   */
  private void requireUsableRecordedLocation(BackupManifest manifest, TablespaceTarget t) {
    protectedPaths
        .whyNotARecordedLocation(t.location())
        .ifPresent(
            why -> {
              throw RestoreErrors.tablespaceLocationRefused(
                  manifest.backupId(), t.oid(), t.location(), why);
            });
  }

  /**
   * Nested targets would make one restore write into, or wipe, another's files. Compared with links
   * resolved, so two spellings of one directory are caught too.
   */
  private static void requireDisjoint(
      Path dataDir, Iterable<TablespaceTarget> tablespaces, Optional<Path> walDir) {
    Map<Path, String> seen = new LinkedHashMap<>();
    seen.put(ProtectedPaths.real(dataDir), "the data directory " + dataDir);
    for (TablespaceTarget t : tablespaces) {
      Path p = Path.of(t.location());
      requireApart(
          seen,
          ProtectedPaths.real(p),
          "tablespace " + t.oid() + " would be restored to " + p,
          "map the tablespace to a directory outside the data directory and the other"
              + " tablespaces: --tablespace-map "
              + t.oid()
              + "=/new/dir");
      seen.put(ProtectedPaths.real(p), "tablespace " + t.oid() + " at " + p);
    }
    walDir.ifPresent(
        w ->
            requireApart(
                seen,
                ProtectedPaths.real(w),
                "the WAL directory " + w,
                "choose a WAL directory outside the data and tablespace directories"));
  }

  private static void requireApart(Map<Path, String> seen, Path p, String what, String suggestion) {
    for (Map.Entry<Path, String> other : seen.entrySet()) {
      if (p.startsWith(other.getKey()) || other.getKey().startsWith(p)) {
        throw RestoreErrors.invalidRequest(what + " overlaps " + other.getValue(), suggestion);
      }
    }
  }

  private Map<ChunkId, ChunkLocation> locate(List<RestorePlan.ArchiveTarget> archives) {
    ChunkReader reader = repo.openChunkReader();
    Map<ChunkId, ChunkLocation> out = new HashMap<>();
    for (RestorePlan.ArchiveTarget a : archives) {
      for (FileEntry f : a.archive().files()) {
        for (ChunkRef ref : f.chunks()) {
          if (!out.containsKey(ref.id())) {
            Optional<ChunkLocation> loc = reader.locate(ref.id());
            out.put(ref.id(), loc.orElseThrow(() -> chunkMissing(ref.id(), a.label(f))));
          }
        }
      }
    }
    return out;
  }

  private static HardstorageException chunkMissing(ChunkId chunk, String file) {
    return new HardstorageException(
        RepositoryErrors.CHUNK_MISSING,
        ExitCode.VERIFY_FAILED,
        "chunk " + chunk + " of file " + file + " is in no index file",
        "run pg_hardstorage verify; if packs exist that are not indexed, rebuild the index");
  }
}
