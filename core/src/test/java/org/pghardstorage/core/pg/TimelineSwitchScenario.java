package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * Produces a real timeline switch with nothing but this client: takes a BASE_BACKUP, streams the
 * WAL it needs into the restored pg_wal, starts the copy with recovery.signal so it promotes to
 * timeline 2, then checks TIMELINE_HISTORY and that streaming timeline 1 ends with EndOfTimeline(2,
 * switch point) before timeline 2 streams from the switch point.
 */
final class TimelineSwitchScenario {
  private TimelineSwitchScenario() {}

  static void run(ClusterFixture pg, int major) throws IOException {
    Path runDir = Locations.newRunDir("pghs-restore-");
    Path data = runDir.resolve("data");
    PgCluster restored = null;
    try (ReplicationConnection r =
        ReplicationConnection.open(pg.rep("sslmode=disable"), ConnectOptions.replication())) {
      WalSegmentSize size = r.walSegmentSize();
      r.createPhysicalSlot("it_restore", true, true);
      BackupPosition start;
      BackupPosition end;
      Path tar = runDir.resolve("base.tar");
      try (BaseBackupStream b =
          r.baseBackup(
              BaseBackupOptions.builder("restore")
                  .manifest(false)
                  .waitForWalArchive(false)
                  .build())) {
        start = b.start();
        BaseBackupArchive base = b.nextArchive().orElseThrow();
        Files.copy(base.data(), tar, StandardCopyOption.REPLACE_EXISTING);
        assertThat(b.nextArchive()).isEmpty();
        end = b.end();
      }
      Files.createDirectories(data);
      BackupFiles.extract(tar, data);
      Files.delete(tar);
      pg.cluster.execute("postgres", "SELECT pg_switch_wal()", "CHECKPOINT");
      Lsn needed = WalSegmentName.of(TimelineId.FIRST, end.lsn(), size).endLsn();
      Lsn from = start.lsn().segmentStart(size);
      Path walDir = Files.createDirectories(data.resolve("pg_wal"));
      try (ReplicationStream s =
          r.startPhysicalReplication(Optional.of("it_restore"), from, TimelineId.FIRST)) {
        while (s.lastReceived().isBefore(needed)) {
          if (s.read() instanceof ReplicationEvent.XLogData x) {
            BackupFiles.writeWal(walDir, TimelineId.FIRST, x, size);
          }
        }
        s.endStream();
      }
      for (Path seg :
          Files.list(walDir)
              .filter(p -> WalSegmentName.looksLikeSegmentName(p.getFileName().toString()))
              .toList()) {
        WalSegmentName name = WalSegmentName.parse(seg.getFileName().toString(), size);
        if (!name.endLsn().isAfter(needed)) {
          assertThat(Files.size(seg)).as(seg.toString()).isEqualTo(size.bytes());
        } else {
          Files.delete(seg); // a partial trailing segment would be read as garbage
        }
      }
      Files.writeString(data.resolve("recovery.signal"), "");
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      restored =
          PgCluster.startExisting(
              major,
              data,
              pg.cluster.password(),
              Map.of(
                  "restore_command", "'/bin/false'",
                  "ssl", "off",
                  "archive_mode", "off",
                  // keep timeline 1's segments after promotion so we can stream that timeline
                  "wal_keep_size", "'1GB'"));
      restored.awaitPromotion(Duration.ofMinutes(2));
      ConnInfo restoredInfo =
          pg.connInfo(
              "host=127.0.0.1 port="
                  + restored.port()
                  + " user=rep password='rep p\\'w' dbname=postgres sslmode=disable");
      try (ReplicationConnection rr =
          ReplicationConnection.open(restoredInfo, ConnectOptions.replication())) {
        SystemIdentification id = rr.identifySystem();
        assertThat(id.timeline()).isEqualTo(TimelineId.of(2));
        assertThat(id.systemId()).isEqualTo(r.identifySystem().systemId());
        TimelineHistoryFile history = rr.timelineHistory(TimelineId.of(2));
        assertThat(history.fileName()).isEqualTo("00000002.history");
        String content = new String(history.content(), StandardCharsets.UTF_8);
        assertThat(content).startsWith("1\t");
        Lsn switchPoint = Lsn.parse(content.split("\t")[1]);
        assertThat(switchPoint).isGreaterThanOrEqualTo(end.lsn());

        ReplicationEvent.EndOfTimeline eot = null;
        try (ReplicationStream s =
            rr.startPhysicalReplication(Optional.empty(), from, TimelineId.FIRST)) {
          while (eot == null) {
            ReplicationEvent e = s.read();
            if (e instanceof ReplicationEvent.EndOfTimeline t) {
              eot = t;
            }
          }
          assertThat(s.isEnded()).isTrue();
        }
        assertThat(eot.nextTimeline()).isEqualTo(TimelineId.of(2));
        assertThat(eot.switchLsn()).isEqualTo(switchPoint);
        try (ReplicationStream s =
            rr.startPhysicalReplication(Optional.empty(), switchPoint, TimelineId.of(2))) {
          ReplicationEvent e;
          do {
            e = s.read();
          } while (!(e instanceof ReplicationEvent.XLogData));
          assertThat(((ReplicationEvent.XLogData) e).walStart()).isEqualTo(switchPoint);
          assertThat(s.endStream()).isEmpty();
        }
        assertThat(rr.connection().isUsable()).isTrue();
      }
    } finally {
      if (restored != null) {
        restored.close();
      }
      PgClusterCleanup.deleteTree(runDir);
    }
  }
}
