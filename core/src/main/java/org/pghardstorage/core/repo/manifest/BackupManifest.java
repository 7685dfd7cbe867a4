package org.pghardstorage.core.repo.manifest;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;

/**
 * Our description of one base backup, schema {@code pg_hardstorage.backup.v1}, or {@code v2} when a
 * chunk ref is a slice (format spec §10). Its presence in the repository is the backup's commit
 * point. The constructor enforces the cross-field rules; each component validates itself.
 *
 * @param backupId the backup's id; equals the id in the object's key
 * @param deployment the deployment; equals the one in the object's key
 * @param label the label sent to PostgreSQL (at most 1024 characters, may be empty)
 * @param startedAt when the backup started
 * @param finishedAt when it finished, not before {@code startedAt}
 * @param postgres the server
 * @param wal the WAL range needed for consistency
 * @param tablespaces the cluster's tablespaces, oids unique
 * @param archives one base archive and one archive per tablespace
 * @param stats what was read and stored
 * @param postgresBackupManifest size and hash of PostgreSQL's own manifest, stored beside this one
 * @param source what was read from the server and whether incrementally; {@code null} in manifests
 *     written before it was recorded
 */
public record BackupManifest(
    BackupId backupId,
    Deployment deployment,
    String label,
    Instant startedAt,
    Instant finishedAt,
    PostgresInfo postgres,
    WalRange wal,
    List<Tablespace> tablespaces,
    List<Archive> archives,
    BackupStats stats,
    PostgresManifestRef postgresBackupManifest,
    BackupSource source) {

  /** The schema name written in the JSON of a manifest without sliced chunk refs. */
  public static final String SCHEMA = "pg_hardstorage.backup.v1";

  /**
   * The schema name written when a chunk ref is a slice: a v1 reader would ignore the {@code slice}
   * field and assemble wrong bytes, so it must refuse the manifest instead.
   */
  public static final String SCHEMA_SLICES = "pg_hardstorage.backup.v2";

  /** Validates the fields. */
  public BackupManifest {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(postgres, "postgres");
    Objects.requireNonNull(wal, "wal");
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(postgresBackupManifest, "postgresBackupManifest");
    tablespaces = List.copyOf(Objects.requireNonNull(tablespaces, "tablespaces"));
    archives = List.copyOf(Objects.requireNonNull(archives, "archives"));
    if (label.length() > 1024) {
      throw new IllegalArgumentException("label is " + label.length() + " characters, over 1024");
    }
    if (finishedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "finished_at " + finishedAt + " is before started_at " + startedAt);
    }
    requireArchivesMatchTablespaces(tablespaces, archives);
  }

  /** How the backup was read, if recorded. */
  public java.util.Optional<BackupSource> sourceInfo() {
    return java.util.Optional.ofNullable(source);
  }

  /** Every chunk reference of every file, in archive and file order (with repetitions). */
  public Stream<ChunkRef> chunkRefs() {
    return archives.stream().flatMap(a -> a.files().stream()).flatMap(f -> f.chunks().stream());
  }

  /** The schema this manifest is written in: v2 iff a chunk ref is a slice. */
  public String schema() {
    return chunkRefs().anyMatch(r -> r.slice() != null) ? SCHEMA_SLICES : SCHEMA;
  }

  private static void requireArchivesMatchTablespaces(
      List<Tablespace> tablespaces, List<Archive> archives) {
    Set<Long> oids = new HashSet<>();
    for (Tablespace t : tablespaces) {
      if (!oids.add(t.oid())) {
        throw new IllegalArgumentException("tablespace " + t.oid() + " is listed twice");
      }
    }
    int bases = 0;
    Set<Long> archived = new HashSet<>();
    for (Archive a : archives) {
      if (a.kind() == ArchiveKind.BASE) {
        bases++;
      } else if (!archived.add(a.tablespaceOid())) {
        throw new IllegalArgumentException(
            "tablespace " + a.tablespaceOid() + " has more than one archive");
      }
    }
    if (bases != 1) {
      throw new IllegalArgumentException("a backup has exactly one base archive, found " + bases);
    }
    if (!archived.equals(oids)) {
      throw new IllegalArgumentException(
          "tablespace archives " + archived + " do not match the tablespaces " + oids);
    }
  }
}
