package org.pghardstorage.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.backup.IncrementalFileTest.BLCKSZ;
import static org.pghardstorage.core.backup.IncrementalFileTest.block;
import static org.pghardstorage.core.backup.IncrementalFileTest.incremental;
import static org.pghardstorage.core.backup.PostgresManifestRewriteTest.entry;
import static org.pghardstorage.core.wal.WalFixtures.DB;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.segment;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ScriptedWalSender;
import org.pghardstorage.core.repo.MutableClock;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.BackupSource;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.wal.WalFixtures;

/**
 * A backup against a scripted PostgreSQL 17 walsender and an in-memory repository: when the server
 * has WAL summaries, the second backup uploads the first one's backup_manifest, is taken with
 * {@code INCREMENTAL} and stored as a full backup; every way the server can decline makes it a full
 * backup instead, on the same connection, and never fails it.
 */
class IncrementalBackupRunnerTest {
  private static final String SYSTEM_ID = "7311915375210340390";
  private static final String VERSION = "17.2 (Debian 17.2-1)";
  private static final Lsn START = lsn(2, 0x28);
  private static final Lsn END = lsn(4, 0x100);
  private static final String SLOT_QUERY =
      "SELECT 1 FROM pg_replication_slots WHERE active AND slot_name = 'pg_hardstorage_db1'";
  private static final byte[] PG_VERSION = "17\n".getBytes(StandardCharsets.UTF_8);

  private final Repository repo = WalFixtures.repository(new MemoryObjectStore("incr"));
  private final MutableClock clock = new MutableClock(WalFixtures.T0);
  private final List<ScriptedWalSender> opened = new ArrayList<>();
  private final byte[] relation = new byte[16 * BLCKSZ];

  IncrementalBackupRunnerTest() {
    new Random(7).nextBytes(relation);
    // the running streamer holds the backups' WAL
    WalArchive archive = repo.wal(DB);
    archive.putSegment(segment(1, 2), wal(lsn(2, 0), (int) WalFixtures.SIZE.bytes()));
    archive.putSegment(segment(1, 3), wal(lsn(3, 0), (int) WalFixtures.SIZE.bytes()));
    archive.putPartial(segment(1, 4), wal(lsn(4, 0), 0x100));
  }

  private static byte[] label(boolean incremental) {
    return ("START WAL LOCATION: "
            + START
            + " (file 000000010000000000000002)\nSTART TIMELINE: 1\n"
            + (incremental ? "INCREMENTAL FROM LSN: " + START + "\nINCREMENTAL FROM TLI: 1\n" : ""))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A base archive and the backup_manifest PostgreSQL sends with it. */
  private record Sent(byte[] tar, byte[] manifest) {
    static Sent of(Map<String, byte[]> files) {
      List<String> entries = new ArrayList<>();
      files.forEach((path, content) -> entries.add(entry(path, content)));
      return new Sent(
          IncrementalRebuildTest.tar(files),
          PostgresManifestRewriteTest.manifest(entries.toArray(String[]::new))
              .getBytes(StandardCharsets.UTF_8));
    }
  }

  private Sent full() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("backup_label", label(false));
    files.put("PG_VERSION", PG_VERSION);
    files.put("base/5/16384", relation);
    return Sent.of(files);
  }

  /** Block 3 of the relation changed, and it grew by block 16. */
  private static Sent incrementalSent() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("backup_label", label(true));
    files.put("PG_VERSION", PG_VERSION);
    files.put("base/5/INCREMENTAL.16384", incremental(16, 3, 16));
    return Sent.of(files);
  }

  private byte[] rebuiltRelation() {
    byte[] out = java.util.Arrays.copyOf(relation, 17 * BLCKSZ);
    System.arraycopy(block(3), 0, out, 3 * BLCKSZ, BLCKSZ);
    System.arraycopy(block(16), 0, out, 16 * BLCKSZ, BLCKSZ);
    return out;
  }

  /** A PostgreSQL 17 server up to the backup's start, the streamer's slot active. */
  private static ScriptedWalSender server(String summarizeWal) {
    ScriptedWalSender s =
        ScriptedWalSender.script(VERSION)
            .identifySystem(SYSTEM_ID, 1, lsn(4, 0x200))
            .walSegmentSize("1MB");
    if (summarizeWal != null) {
      s.rows("summarize_wal", summarizeWal);
      if (summarizeWal.equals("on")) {
        s.rows("block_size", "8192").rows("segment_size", "1GB");
      }
    }
    return s.rows("?column?", "1");
  }

  private BackupResult run(ScriptedWalSender script) {
    clock.advance(Duration.ofMinutes(1));
    Iterator<ScriptedWalSender> next = List.of(script).iterator();
    ReplicationConnector connector =
        (connInfo, options) -> {
          ScriptedWalSender s = next.next();
          opened.add(s);
          return s.connect();
        };
    return new BackupRunner(repo, clock, connector)
        .run(
            new BackupRequest(
                DB,
                ConnInfo.parse("host=db.test user=backup dbname=postgres"),
                "unit",
                true,
                OptionalLong.empty(),
                Duration.ofMinutes(1),
                DeploymentContext.slotFor(DB, Optional.empty())),
            BackupProgress.NONE);
  }

  private BackupManifest first() {
    Sent sent = full();
    BackupManifest m =
        run(server(null).baseBackup(START, 1, sent.tar(), sent.manifest(), END)).manifest();
    assertThat(m.sourceInfo().flatMap(BackupSource::incrementalBase)).isEmpty();
    return m;
  }

  private byte[] content(BackupManifest m, String path) {
    FileEntry f =
        m.archives().get(0).files().stream()
            .filter(e -> e.path().equals(path))
            .findFirst()
            .orElseThrow();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    repo.openChunkReader().readAll(f.chunks()).forEach(out::writeBytes);
    return out.toByteArray();
  }

  private String storedPostgresManifest(BackupManifest m) {
    return new String(
        repo.readPostgresBackupManifest(DB, m.backupId()).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void theSecondBackupIsIncrementalAndStoredAsAFullOne() {
    BackupManifest first = first();
    Sent sent = incrementalSent();
    ScriptedWalSender script =
        server("on")
            .uploadManifest(Optional.empty())
            .baseBackup(START, 1, sent.tar(), sent.manifest(), END);

    BackupManifest second = run(script).manifest();

    assertThat(script.uploadedManifest())
        .as("the first backup's backup_manifest, as stored")
        .isEqualTo(repo.readPostgresBackupManifest(DB, first.backupId()).orElseThrow());
    assertThat(script.commands())
        .containsSubsequence("SHOW summarize_wal", SLOT_QUERY, "UPLOAD_MANIFEST");
    assertThat(script.commands()).last().asString().endsWith(", INCREMENTAL 'true')");
    BackupSource source = second.sourceInfo().orElseThrow();
    assertThat(source.incrementalBase()).contains(first.backupId());
    assertThat(source.bytesReadFromServer())
        .isLessThan(first.sourceInfo().orElseThrow().bytesReadFromServer() / 4);
    assertThat(content(second, "base/5/16384")).isEqualTo(rebuiltRelation());
    assertThat(content(second, "backup_label")).isEqualTo(label(false));
    String pg = storedPostgresManifest(second);
    assertThat(pg)
        .contains(entry("base/5/16384", rebuiltRelation()))
        .contains(entry("backup_label", label(false)))
        .doesNotContain("INCREMENTAL");
    PostgresManifestRewriteTest.assertChecksumHolds(pg);
    assertThat(second.stats().bytesNew())
        .as("only the changed and the new block are stored again")
        .isLessThanOrEqualTo(2L * BLCKSZ + label(false).length + 4096);

    // The rewritten manifest is what the next backup uploads as its base.
    Sent again = incrementalSent();
    ScriptedWalSender third =
        server("on")
            .uploadManifest(Optional.empty())
            .baseBackup(START, 1, again.tar(), again.manifest(), END);
    BackupManifest m3 = run(third).manifest();
    assertThat(third.uploadedManifest()).asString(StandardCharsets.UTF_8).isEqualTo(pg);
    assertThat(m3.sourceInfo().flatMap(BackupSource::incrementalBase)).contains(second.backupId());
    assertThat(content(m3, "base/5/16384")).isEqualTo(rebuiltRelation());
  }

  @Test
  void withSummarizeWalOffTheBackupIsFullWithoutUploading() {
    first();
    Sent sent = full();
    ScriptedWalSender script = server("off").baseBackup(START, 1, sent.tar(), sent.manifest(), END);

    BackupManifest m = run(script).manifest();

    assertThat(m.sourceInfo().flatMap(BackupSource::incrementalBase)).isEmpty();
    assertThat(script.commands()).doesNotContain("UPLOAD_MANIFEST");
    assertThat(script.commands()).last().asString().doesNotContain("INCREMENTAL");
    assertThat(content(m, "base/5/16384")).isEqualTo(relation);
  }

  @Test
  void aBaseThatFailedItsVerificationIsNotUsed() {
    BackupManifest first = first();
    new VerificationRecord(
            VerificationRecord.SCHEMA,
            first.backupId().value(),
            false,
            clock.instant(),
            1,
            0,
            3,
            0,
            10,
            "test")
        .store(repo, DB);
    Sent sent = full();
    // no SHOW summarize_wal, no upload: the base is refused before the server is asked
    ScriptedWalSender script = server(null).baseBackup(START, 1, sent.tar(), sent.manifest(), END);

    BackupManifest m = run(script).manifest();

    assertThat(m.sourceInfo().flatMap(BackupSource::incrementalBase)).isEmpty();
    assertThat(script.commands()).doesNotContain("SHOW summarize_wal", "UPLOAD_MANIFEST");
  }

  @Test
  void aRefusedManifestMakesTheBackupFullOnTheSameConnection() {
    first();
    Sent sent = full();
    ScriptedWalSender script =
        server("on")
            .uploadManifest(
                Optional.of("manifest system identifier is 1, but database system identifier is 2"))
            .baseBackup(START, 1, sent.tar(), sent.manifest(), END);

    BackupManifest m = run(script).manifest();

    assertThat(m.sourceInfo().flatMap(BackupSource::incrementalBase)).isEmpty();
    assertThat(script.commands()).last().asString().doesNotContain("INCREMENTAL");
    assertThat(content(m, "base/5/16384")).isEqualTo(relation);
  }

  @Test
  void missingWalSummariesMakeTheBackupFullOnTheSameConnection() {
    first();
    Sent sent = full();
    ScriptedWalSender script =
        server("on")
            .uploadManifest(Optional.empty())
            .error(
                "55000",
                "WAL summaries are required on timeline 1 from 0/2000028 to 0/4000028, but no"
                    + " summaries for that timeline and LSN range exist")
            .baseBackup(START, 1, sent.tar(), sent.manifest(), END);

    BackupManifest m = run(script).manifest();

    List<String> backups =
        script.commands().stream().filter(c -> c.startsWith("BASE_BACKUP")).toList();
    assertThat(backups).hasSize(2);
    assertThat(backups.get(0)).endsWith(", INCREMENTAL 'true')");
    assertThat(backups.get(1)).doesNotContain("INCREMENTAL");
    assertThat(m.sourceInfo().flatMap(BackupSource::incrementalBase)).isEmpty();
    assertThat(content(m, "base/5/16384")).isEqualTo(relation);
  }

  @Test
  void onceTheServerSentAnIncrementalBackupABadFileFailsIt() {
    first();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("backup_label", label(true));
    byte[] bad = incremental(16, 3);
    bad[0] ^= 1;
    files.put("base/5/INCREMENTAL.16384", bad);
    Sent sent = Sent.of(files);
    ScriptedWalSender script =
        server("on")
            .uploadManifest(Optional.empty())
            .baseBackup(START, 1, sent.tar(), sent.manifest(), END);

    assertThatThrownBy(() -> run(script))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("backup.incremental_invalid"));
    assertThat(repo.listBackups(DB)).hasSize(1);
    assertThat(repo.listLocks()).isEmpty();
  }
}
