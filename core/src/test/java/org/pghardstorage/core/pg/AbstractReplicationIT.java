package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.devstack.OsUser;

/**
 * Replication commands against a real server: IDENTIFY_SYSTEM, slots, START_REPLICATION (bytes
 * compared with the segment file on disk), BASE_BACKUP (every file checked against the server's own
 * manifest), early cancel, and a timeline switch produced by restoring our own backup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractReplicationIT {
  ClusterFixture pg;

  abstract int major();

  @BeforeAll
  void startCluster() {
    pg = ClusterFixture.start(major());
  }

  @AfterAll
  void stopCluster() {
    if (pg != null) {
      pg.close();
    }
  }

  ReplicationConnection replication() {
    return ReplicationConnection.open(pg.rep("sslmode=require"), ConnectOptions.replication());
  }

  @Test
  void identifySystemAndSlots() {
    String systemId =
        pg.cluster.queryValue("postgres", "SELECT system_identifier FROM pg_control_system()");
    try (ReplicationConnection r = replication()) {
      SystemIdentification id = r.identifySystem();
      assertThat(id.systemId()).hasToString(systemId);
      assertThat(id.timeline()).isEqualTo(TimelineId.FIRST);
      assertThat(id.dbname()).contains("postgres");
      assertThat(r.walSegmentSize()).isEqualTo(WalSegmentSize.DEFAULT);

      ReplicationSlot slot = r.createPhysicalSlot("it_slot", false, true);
      assertThat(slot.type()).isEqualTo("physical");
      assertThat(slot.restartLsn()).isPresent();
      assertThat(slot.restartTimeline()).contains(TimelineId.FIRST);
      assertThat(r.readReplicationSlot("it_slot")).contains(slot);
      assertThatThrownBy(() -> r.createPhysicalSlot("it_slot", false, true))
          .isInstanceOfSatisfying(
              PgServerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT));
      r.dropReplicationSlot("it_slot", false);
      assertThat(r.readReplicationSlot("it_slot")).isEmpty();
      assertThatThrownBy(() -> r.dropReplicationSlot("it_slot", false))
          .isInstanceOfSatisfying(
              PgServerException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));

      ReplicationSlot lazy = r.createPhysicalSlot("it_lazy", true, false);
      assertThat(lazy.restartLsn()).isEmpty();
      assertThatThrownBy(() -> r.timelineHistory(TimelineId.FIRST))
          .isInstanceOfSatisfying(
              PgServerException.class, e -> assertThat(e.sqlState()).isEqualTo("58P01"));
    }
    try (ReplicationConnection physical =
        ReplicationConnection.open(
            pg.rep("sslmode=disable"),
            ConnectOptions.replication().withReplicationMode(ReplicationMode.PHYSICAL))) {
      assertThat(physical.identifySystem().dbname()).isEmpty();
    }
  }

  @Test
  void streamedWalIsByteIdenticalToTheSegmentOnDisk() throws IOException {
    try (ReplicationConnection r = replication()) {
      ReplicationSlot slot = r.createPhysicalSlot("it_stream", true, true);
      Lsn start = slot.restartLsn().orElseThrow();
      pg.cluster.execute(
          "postgres",
          "CREATE TABLE IF NOT EXISTS wal_gen AS SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
      Lsn target =
          Lsn.parse(pg.cluster.queryValue("postgres", "SELECT pg_current_wal_flush_lsn()"));
      WalSegmentSize size = r.walSegmentSize();
      long received = 0;
      try (ReplicationStream s =
          r.startPhysicalReplication(Optional.of("it_stream"), start, TimelineId.FIRST)) {
        Lsn expected = start;
        while (s.lastReceived().isBefore(target)) {
          ReplicationEvent e = s.read();
          if (e instanceof ReplicationEvent.XLogData x) {
            assertThat(x.walStart()).isEqualTo(expected);
            assertThat(x.sendTime()).isAfter(Instant.now().minusSeconds(600));
            compareWithSegmentFile(x, size);
            expected = x.walEndOfPayload();
            received += x.length();
          }
        }
        s.sendStatus(s.lastReceived(), s.lastReceived(), Lsn.INVALID, true);
        assertThat(s.endStream()).isEmpty();
      }
      assertThat(received).isGreaterThan(100_000);
      assertThat(r.readReplicationSlot("it_stream").orElseThrow().restartLsn().orElseThrow())
          .isGreaterThan(start);
      assertThat(r.identifySystem().xlogPos()).isGreaterThanOrEqualTo(target);
    }
  }

  private void compareWithSegmentFile(ReplicationEvent.XLogData x, WalSegmentSize size)
      throws IOException {
    WalSegmentName seg = WalSegmentName.of(TimelineId.FIRST, x.walStart(), size);
    Path file = pg.cluster.dataDir().resolve("pg_wal").resolve(seg.toString());
    int n = (int) Math.min(x.length(), size.bytes() - x.walStart().segmentOffset(size));
    byte[] onDisk = new byte[n];
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      ch.read(ByteBuffer.wrap(onDisk), x.walStart().segmentOffset(size));
    }
    byte[] got = new byte[n];
    x.payload().get(got);
    assertThat(got).as("WAL at %s in %s", x.walStart(), seg).isEqualTo(onDisk);
  }

  @Test
  void baseBackupMatchesTheServersManifest() throws IOException {
    Path tsDir = Files.createDirectories(pg.dir.resolve("ts1"));
    OsUser.service().own(tsDir);
    Path out = Files.createDirectories(pg.dir.resolve("backup"));
    pg.cluster.execute(
        "postgres",
        "CREATE TABLESPACE ts1 LOCATION '" + tsDir + "'",
        "CREATE TABLE in_ts1 TABLESPACE ts1 AS SELECT g FROM generate_series(1, 1000) g");
    try (ReplicationConnection r = replication();
        BaseBackupStream b =
            r.baseBackup(
                BaseBackupOptions.builder("it's the IT").waitForWalArchive(false).build())) {
      assertThat(b.start().timeline()).isEqualTo(TimelineId.FIRST);
      assertThat(b.tablespaces()).hasSize(2);
      Tablespace ts =
          b.tablespaces().stream().filter(t -> !t.isDataDirectory()).findFirst().orElseThrow();
      assertThat(ts.location()).contains(tsDir.toString());
      Map<String, String> archives = new java.util.LinkedHashMap<>();
      Optional<BaseBackupArchive> a;
      while ((a = b.nextArchive()).isPresent()) {
        Files.copy(
            a.get().data(), out.resolve(a.get().name()), StandardCopyOption.REPLACE_EXISTING);
        archives.put(a.get().name(), a.get().tablespaceLocation().orElse(""));
      }
      assertThat(archives)
          .containsEntry("base.tar", "")
          .containsEntry(ts.oid().getAsLong() + ".tar", tsDir.toString());
      try (InputStream m = b.manifest().orElseThrow()) {
        Files.copy(m, out.resolve("backup_manifest"));
      }
      BackupPosition end = b.end();
      assertThat(end.lsn()).isGreaterThan(b.start().lsn());
      assertThat(b.bytesReceived()).isGreaterThan(10_000_000);
      assertThat(b.serverProgress()).isGreaterThan(0);
      assertThat(r.connection().isUsable()).isTrue();
    } finally {
      pg.cluster.execute("postgres", "DROP TABLE in_ts1", "DROP TABLESPACE ts1");
    }
    Map<String, BackupFiles.FileSum> manifest =
        BackupFiles.manifestSums(out.resolve("backup_manifest"));
    Map<String, BackupFiles.FileSum> files =
        new java.util.HashMap<>(BackupFiles.tarSums(out.resolve("base.tar")));
    try (var list = Files.list(out)) {
      for (Path tar :
          list.filter(p -> p.toString().endsWith(".tar") && !p.endsWith("base.tar")).toList()) {
        String oid = tar.getFileName().toString().replace(".tar", "");
        BackupFiles.tarSums(tar).forEach((k, v) -> files.put("pg_tblspc/" + oid + "/" + k, v));
      }
    }
    assertThat(files).containsAllEntriesOf(manifest);
    assertThat(manifest.keySet()).anyMatch(p -> p.startsWith("pg_tblspc/"));
    assertThat(manifest).hasSizeGreaterThan(500);
    Path extracted = Files.createDirectories(pg.dir.resolve("extracted"));
    BackupFiles.extract(out.resolve("base.tar"), extracted);
    assertThat(Files.readString(extracted.resolve("PG_VERSION")).strip())
        .isEqualTo(String.valueOf(major()));
    assertThat(Files.readString(extracted.resolve("backup_label"))).contains("LABEL: it's the IT");
  }

  @Test
  void closingEarlyCancelsTheBackupOnTheServer() throws IOException {
    ReplicationConnection r = replication();
    BaseBackupStream b =
        r.baseBackup(BaseBackupOptions.builder("abandoned").waitForWalArchive(false).build());
    InputStream data = b.nextArchive().orElseThrow().data();
    assertThat(data.readNBytes(1 << 20)).hasSize(1 << 20);
    b.close();
    assertThat(r.connection().isUsable()).isFalse();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!pg.cluster
        .queryValue("postgres", "SELECT count(*) FROM pg_stat_progress_basebackup")
        .equals("0")) {
      assertThat(Instant.now()).as("backup still running on the server").isBefore(deadline);
      sleep(100);
    }
    try (ReplicationConnection again = replication();
        BaseBackupStream b2 =
            again.baseBackup(BaseBackupOptions.builder("after").manifest(false).build())) {
      while (b2.nextArchive().isPresent()) {
        // skipping the data: only that the server accepts a new backup matters here
      }
      assertThat(b2.end().lsn()).isGreaterThan(Lsn.INVALID);
    }
  }

  @Test
  void timelineSwitchOnARestoredBackup() throws IOException {
    TimelineSwitchScenario.run(pg, major());
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
