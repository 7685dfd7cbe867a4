package org.pghardstorage.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.backup.IncrementalFileTest.BLCKSZ;
import static org.pghardstorage.core.backup.IncrementalFileTest.RELSEG;
import static org.pghardstorage.core.backup.IncrementalFileTest.block;
import static org.pghardstorage.core.backup.IncrementalFileTest.incremental;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.BackupWriter;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.PackId;
import org.pghardstorage.core.repo.PreviousFiles;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.ManifestFixtures;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalFixtures;

/**
 * Rebuilding the files of an incremental backup from its {@code INCREMENTAL.*} members and the
 * previous backup as stored in a real (in-memory) repository, through {@link ArchiveIngest} as a
 * backup reads an archive, compared with an independent rebuild by {@code pg_combinebackup}'s
 * rules.
 */
class IncrementalRebuildTest {
  /** ManifestFixtures' backups start here: the LSN a server names in INCREMENTAL FROM LSN. */
  private static final Lsn PREVIOUS_START = Lsn.parse("0/2000028");

  private static final String LABEL =
      "START WAL LOCATION: 0/4000028 (file 000000010000000000000004)\n"
          + "CHECKPOINT LOCATION: 0/4000080\n"
          + "BACKUP METHOD: streamed\n"
          + "BACKUP FROM: primary\n"
          + "START TIME: 2026-12-05 12:00:00 UTC\n"
          + "LABEL: pg_hardstorage db1\n"
          + "START TIMELINE: 1\n"
          + "INCREMENTAL FROM LSN: 0/2000028\n"
          + "INCREMENTAL FROM TLI: 1\n";

  private final MemoryObjectStore store = new MemoryObjectStore("incr");
  private final Repository repo = WalFixtures.repository(store);
  private final byte[] relation = pages(1, 10);
  private final byte[] small = pages(2, 3);

  private static byte[] pages(long seed, int n) {
    byte[] out = new byte[n * BLCKSZ];
    new Random(seed).nextBytes(out);
    return out;
  }

  /** A tar archive of {@code files}, path → content, in order. */
  static byte[] tar(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        e.setMode(0600);
        tar.putArchiveEntry(e);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Map<String, byte[]> files(Object... pathsAndContents) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      m.put((String) pathsAndContents[i], (byte[]) pathsAndContents[i + 1]);
    }
    return m;
  }

  /** backup_label of an incremental backup against {@link #previous()}, then one member. */
  private static Map<String, byte[]> labelAnd(String path, byte[] member) {
    return files("backup_label", LABEL.getBytes(StandardCharsets.UTF_8), path, member);
  }

  /** The previous backup, committed: base/5/16384 (10 blocks) and base/5/16385 (3 blocks). */
  private BackupManifest previous() throws IOException {
    BackupId id = BackupId.parse("20261205T110000Z-aaaaaa");
    try (BackupWriter w = repo.newBackup(WalFixtures.DB, id)) {
      List<FileEntry> entries =
          ArchiveIngest.ingest(
              "base.tar",
              new ByteArrayInputStream(tar(files("base/5/16384", relation, "base/5/16385", small))),
              w,
              path -> PreviousFiles.Layout.of(List.of()));
      byte[] pg = "{}\n".getBytes(StandardCharsets.UTF_8);
      BackupManifest m =
          ManifestFixtures.manifest(WalFixtures.DB, id, entries, w.stats().toBackupStats(), pg);
      w.commit(m, pg);
      return m;
    }
  }

  private int ingested;

  private record Ingested(List<FileEntry> entries, IncrementalRebuild rebuild) {}

  private Ingested ingest(BackupManifest previous, Map<String, byte[]> members) throws IOException {
    PreviousFiles files = PreviousFiles.of(previous);
    IncrementalRebuild rebuild =
        new IncrementalRebuild(files, PREVIOUS_START, repo.openChunkReader(), BLCKSZ, RELSEG);
    BackupId id = BackupId.parse("20261205T1200" + (10 + ingested++) + "Z-bbbbbb");
    try (BackupWriter w = repo.newBackup(WalFixtures.DB, id)) {
      List<FileEntry> entries =
          ArchiveIngest.ingest(
              "base.tar",
              0,
              new ByteArrayInputStream(tar(members)),
              w,
              path -> files.layout(0, path),
              Optional.of(rebuild));
      byte[] pg = "{}\n".getBytes(StandardCharsets.UTF_8);
      w.commit(
          ManifestFixtures.manifest(WalFixtures.DB, id, entries, w.stats().toBackupStats(), pg),
          pg);
      return new Ingested(entries, rebuild);
    }
  }

  private byte[] content(List<FileEntry> entries, String path) {
    FileEntry f = entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    ChunkReader reader = repo.openChunkReader();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : reader.readAll(f.chunks())) {
      out.writeBytes(part);
    }
    byte[] bytes = out.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    assertThat(f.size()).isEqualTo(bytes.length);
    assertThat(f.checksum()).contains((int) crc.getValue());
    return bytes;
  }

  /** pg_combinebackup's rule, written out plainly: what the rebuilt file must hold. */
  private static byte[] expected(byte[] old, int truncation, int... blocks) {
    int length = truncation;
    for (int b : blocks) {
      length = Math.max(length, b + 1);
    }
    byte[] out = new byte[length * BLCKSZ];
    for (int b = 0; b < Math.min(truncation, old.length / BLCKSZ); b++) {
      System.arraycopy(old, b * BLCKSZ, out, b * BLCKSZ, BLCKSZ);
    }
    for (int b : blocks) {
      System.arraycopy(block(b), 0, out, b * BLCKSZ, BLCKSZ);
    }
    return out;
  }

  @Test
  void changedBlocksOverlayThePreviousFileAndNewBlocksExtendIt() throws IOException {
    BackupManifest previous = previous();
    Ingested r =
        ingest(
            previous,
            files(
                "backup_label", LABEL.getBytes(StandardCharsets.UTF_8),
                "base/5/INCREMENTAL.16384", incremental(10, 2, 7, 12),
                "base/5/INCREMENTAL.16385", incremental(3),
                "base/5/16386", small));

    assertThat(r.entries())
        .extracting(FileEntry::path)
        .containsExactly("backup_label", "base/5/16384", "base/5/16385", "base/5/16386");
    assertThat(content(r.entries(), "base/5/16384"))
        .as("blocks 2, 7 and 12 new, 10 and 11 zeros, the rest the previous file's")
        .isEqualTo(expected(relation, 10, 2, 7, 12));
    assertThat(content(r.entries(), "base/5/16385")).as("unchanged").isEqualTo(small);
    assertThat(content(r.entries(), "base/5/16386")).isEqualTo(small);
    assertThat(new String(content(r.entries(), "backup_label"), StandardCharsets.UTF_8))
        .isEqualTo(
            LABEL
                .replace("INCREMENTAL FROM LSN: 0/2000028\n", "")
                .replace("INCREMENTAL FROM TLI: 1\n", ""));
    assertThat(r.rebuild().blocksReceived()).isEqualTo(3);
    assertThat(r.rebuild().rewritten())
        .extracting(IncrementalRebuild.Rewritten::serverPath, IncrementalRebuild.Rewritten::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("backup_label", "backup_label"),
            org.assertj.core.groups.Tuple.tuple("base/5/INCREMENTAL.16384", "base/5/16384"),
            org.assertj.core.groups.Tuple.tuple("base/5/INCREMENTAL.16385", "base/5/16385"));
  }

  @Test
  void theUnchangedPagesOfAChangedFileReuseThePreviousChunks() throws IOException {
    BackupManifest previous = previous();
    List<ChunkRef> old = PreviousFiles.of(previous).chunks(0, "base/5/16384");
    Ingested r = ingest(previous, labelAnd("base/5/INCREMENTAL.16384", incremental(10, 5)));
    List<ChunkRef> refs = file(r.entries(), "base/5/16384").chunks();
    assertThat(refs.stream().filter(c -> old.stream().anyMatch(o -> o.id().equals(c.id()))))
        .as("the unchanged pages are refs or slices of the previous chunks (§5.1)")
        .isNotEmpty();
    assertThat(refs.stream().mapToInt(ChunkRef::length).sum()).isEqualTo(relation.length);
  }

  private static FileEntry file(List<FileEntry> entries, String path) {
    return entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  @Test
  void anUnchangedFileIsStoredByReferenceWithoutReadingIt() throws IOException {
    BackupManifest previous = previous();
    // Damage every pack: a file read back would fail, one stored by reference does not.
    for (PackId pack : repo.listPacks()) {
      store.put(pack.key(), new byte[] {1, 2, 3});
    }
    Ingested r = ingest(previous, labelAnd("base/5/INCREMENTAL.16385", incremental(3)));
    FileEntry f = file(r.entries(), "base/5/16385");
    FileEntry old = file(previous.archives().get(0).files(), "base/5/16385");
    assertThat(f.chunks()).isEqualTo(old.chunks());
    assertThat(f.checksum()).isEqualTo(old.checksum());
    assertThat(f.size()).isEqualTo(small.length);
    assertThat(r.rebuild().filesReused()).isEqualTo(1);
    // a changed one is read back, and the damage found
    assertThatThrownBy(
            () -> ingest(previous, labelAnd("base/5/INCREMENTAL.16385", incremental(3, 1))))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("repo.corrupt"));
  }

  @Test
  void aShorterTruncationLengthTruncatesAndAShorterPreviousFileLeavesZeros() throws IOException {
    BackupManifest previous = previous();
    Ingested r =
        ingest(
            previous,
            files(
                "backup_label", LABEL.getBytes(StandardCharsets.UTF_8),
                "base/5/INCREMENTAL.16384", incremental(4, 1),
                "base/5/INCREMENTAL.16385", incremental(6)));
    assertThat(content(r.entries(), "base/5/16384")).isEqualTo(expected(relation, 4, 1));
    byte[] grown = content(r.entries(), "base/5/16385");
    assertThat(grown).hasSize(6 * BLCKSZ);
    assertThat(Arrays.copyOf(grown, small.length)).isEqualTo(small);
    assertThat(Arrays.copyOfRange(grown, small.length, grown.length)).containsOnly(0);
  }

  @Test
  void aBigEndianFileRebuildsTheSame() throws IOException {
    Ingested r =
        ingest(
            previous(),
            labelAnd("base/5/INCREMENTAL.16384", incremental(ByteOrder.BIG_ENDIAN, 10, 0, 9)));
    assertThat(content(r.entries(), "base/5/16384")).isEqualTo(expected(relation, 10, 0, 9));
  }

  @Test
  void aFileThePreviousBackupLacksIsRefused() throws IOException {
    BackupManifest previous = previous();
    assertThatThrownBy(
            () -> ingest(previous, labelAnd("base/5/INCREMENTAL.99999", incremental(3, 0))))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("base/5/99999 incrementally, needing blocks below 3")
        .hasMessageContaining("20261205T110000Z-aaaaaa")
        .extracting(e -> ((HardstorageException) e).code())
        .isEqualTo("backup.incremental_base_missing");
    // every block present: pg_combinebackup refuses it all the same, and so do we
    assertThatThrownBy(
            () -> ingest(previous, labelAnd("base/5/INCREMENTAL.99999", incremental(2, 0, 1))))
        .hasMessageContaining("base/5/99999 incrementally against the previous backup");
  }

  @Test
  void aLabelNamingAnotherBaseIsRefused() throws IOException {
    BackupManifest previous = previous();
    String other = LABEL.replace("FROM LSN: 0/2000028", "FROM LSN: 0/3000028");
    assertThatThrownBy(
            () -> ingest(previous, files("backup_label", other.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("from 0/03000028 but the previous backup 20261205T110000Z-aaaaaa")
        .extracting(e -> ((HardstorageException) e).code())
        .isEqualTo("backup.incremental_base_mismatch");
    String none = LABEL.replace("INCREMENTAL FROM LSN: 0/2000028\n", "");
    assertThatThrownBy(
            () -> ingest(previous, files("backup_label", none.getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("must name INCREMENTAL FROM LSN and INCREMENTAL FROM TLI");
  }

  @Test
  void aFileSentBothWholeAndIncrementallyIsRefused() throws IOException {
    BackupManifest previous = previous();
    assertThatThrownBy(
            () ->
                ingest(
                    previous,
                    files("base/5/16384", relation, "base/5/INCREMENTAL.16384", incremental(10))))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("holds the file base/5/16384 twice")
        .extracting(e -> ((HardstorageException) e).code())
        .isEqualTo("backup.archive_duplicate");
  }

  @Test
  void aMalformedMemberOrNameIsRefused() throws IOException {
    BackupManifest previous = previous();
    byte[] tooLong = Arrays.copyOf(incremental(10, 3), 2 * BLCKSZ + 1);
    assertThatThrownBy(() -> ingest(previous, files("base/5/INCREMENTAL.16384", tooLong)))
        .hasMessageContaining("is 16385 bytes but a header of 1 blocks makes it 16384");
    assertThatThrownBy(
            () -> ingest(previous, files("base/5/INCREMENTAL.pg_filenode.map", incremental(1))))
        .hasMessageContaining("'pg_filenode.map' is not a relation file name");
  }

  @Test
  void theManifestIsRewrittenForTheRebuiltFiles() throws IOException {
    Ingested r = ingest(previous(), labelAnd("base/5/INCREMENTAL.16384", incremental(10, 2)));
    String server =
        PostgresManifestRewriteTest.manifest(
            PostgresManifestRewriteTest.entry(
                "backup_label", LABEL.getBytes(StandardCharsets.UTF_8)),
            PostgresManifestRewriteTest.entry("base/5/INCREMENTAL.16384", incremental(10, 2)),
            PostgresManifestRewriteTest.entry(
                "PG_VERSION", "17\n".getBytes(StandardCharsets.UTF_8)));
    String rewritten =
        new String(
            r.rebuild().finish(server.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertThat(rewritten)
        .contains(
            PostgresManifestRewriteTest.entry("base/5/16384", content(r.entries(), "base/5/16384")))
        .contains(
            PostgresManifestRewriteTest.entry("backup_label", content(r.entries(), "backup_label")))
        .contains(
            PostgresManifestRewriteTest.entry(
                "PG_VERSION", "17\n".getBytes(StandardCharsets.UTF_8)))
        .doesNotContain("INCREMENTAL");
    PostgresManifestRewriteTest.assertChecksumHolds(rewritten);
  }

  @Test
  void anIncrementalBackupWithoutABackupLabelIsRefused() throws IOException {
    Ingested r = ingest(previous(), files("base/5/INCREMENTAL.16384", incremental(10)));
    assertThatThrownBy(() -> r.rebuild().finish("{}\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("backup_label")
        .hasMessageContaining("holds none");
  }
}
