package org.pghardstorage.core.repo.manifest;

import java.time.Instant;
import java.util.List;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;

/** Builds valid manifests for tests. */
public final class ManifestFixtures {
  private ManifestFixtures() {}

  /** A manifest with one tablespace, whose base archive holds {@code files}. */
  public static BackupManifest manifest(
      Deployment deployment,
      BackupId id,
      List<FileEntry> files,
      BackupStats stats,
      byte[] pgManifest) {
    Instant start = id.startTime();
    return new BackupManifest(
        id,
        deployment,
        "test backup",
        start,
        start.plusSeconds(42),
        new PostgresInfo(170002, "PostgreSQL 17.2", "7311915375210340390"),
        new WalRange("0/2000028", 1, "0/2000100", 1, 16 * 1024 * 1024),
        List.of(new Tablespace(16385, "/srv/ts1")),
        List.of(
            Archive.base(files),
            Archive.tablespace(
                16385, List.of(FileEntry.directory("PG_17_202406281", 0700, start)))),
        stats,
        PostgresManifestRef.of(pgManifest),
        null);
  }

  /** A one-file base archive listing. */
  public static List<FileEntry> oneFile(String path, int crc, List<ChunkRef> chunks) {
    long size = chunks.stream().mapToLong(ChunkRef::length).sum();
    Instant t = Instant.parse("2026-11-30T18:00:00Z");
    return List.of(
        FileEntry.directory("base", 0700, t),
        FileEntry.file(path, 0600, t, size, crc, chunks),
        FileEntry.symlink("pg_tblspc/16385", 0777, t, "/srv/ts1"));
  }
}
