package org.pghardstorage.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.DB;
import static org.pghardstorage.core.wal.WalFixtures.SIZE;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.segment;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.PgServerException;
import org.pghardstorage.core.pg.ScriptedWalSender;
import org.pghardstorage.core.pg.ScriptedWalSender.StatusUpdate;
import org.pghardstorage.core.repo.MutableClock;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalFixtures;

/**
 * A whole base backup against scripted walsenders and an in-memory repository, for how it gets its
 * WAL: from the running streamer (slot active) or from a receiver of its own on a temporary slot,
 * and what it does when that WAL is missing or its stream breaks. A backup whose WAL is not durable
 * must never be committed.
 */
class BackupRunnerTest {
  private static final String SYSTEM_ID = "7311915375210340390";
  private static final Lsn START = lsn(2, 0x28);
  private static final Lsn END = lsn(4, 0x100);
  private static final String SLOT_QUERY =
      "SELECT 1 FROM pg_replication_slots WHERE active AND slot_name = 'pg_hardstorage_db1'";

  private final Repository repo = WalFixtures.repository(new MemoryObjectStore("backup"));
  private final WalArchive archive = repo.wal(DB);
  private final List<ScriptedWalSender> opened = new ArrayList<>();

  private static byte[] baseTar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry dir = new TarArchiveEntry("global/");
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      file(tar, "PG_VERSION", "16\n".getBytes(StandardCharsets.US_ASCII));
      file(tar, "global/pg_control", wal(lsn(0, 0), 8192));
      file(
          tar,
          "backup_label",
          "START WAL LOCATION: 0/200028\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setMode(0600);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  /** The control connection: a PostgreSQL 16 primary whose streamer slot is active or not. */
  private static ScriptedWalSender control(boolean streamerActive) {
    ScriptedWalSender s =
        ScriptedWalSender.script()
            .identifySystem(SYSTEM_ID, 1, lsn(4, 0x200))
            .walSegmentSize("1MB");
    if (streamerActive) {
      s.rows("?column?", "1");
    } else {
      s.rows("?column?");
    }
    return s.baseBackup(
        START,
        1,
        baseTar(),
        "{\"PostgreSQL-Backup-Manifest-Version\": 1, \"Files\": []}"
            .getBytes(StandardCharsets.UTF_8),
        END);
  }

  /** The backup's own WAL connection: a temporary slot reserving WAL from {@link #START}. */
  private static ScriptedWalSender ownWal() {
    return ScriptedWalSender.script().slotCreated("pghs_backup").slot(START, 1).streaming();
  }

  private BackupRunner runner(Clock clock, ScriptedWalSender... scripts) {
    Iterator<ScriptedWalSender> next = List.of(scripts).iterator();
    ReplicationConnector connector =
        (connInfo, options) -> {
          ScriptedWalSender s = next.next();
          opened.add(s);
          return s.connect();
        };
    return new BackupRunner(repo, clock, connector);
  }

  private static BackupRequest request(Duration walTimeout) {
    return new BackupRequest(
        DB,
        ConnInfo.parse("host=db.test user=backup dbname=postgres"),
        "unit",
        true,
        OptionalLong.empty(),
        walTimeout);
  }

  private void complete(long from, long to) {
    for (long n = from; n <= to; n++) {
      archive.putSegment(segment(1, n), wal(lsn(n, 0), (int) SIZE.bytes()));
    }
  }

  private List<String> stored() {
    return archive.listSegments(1).stream()
        .map(e -> e.name() + (e.partial() ? ".partial" : ""))
        .toList();
  }

  private void assertNothingCommittedAndAllReleased() {
    assertThat(repo.listBackups(DB)).isEmpty();
    assertThat(repo.listLocks()).isEmpty();
    assertThat(opened).allSatisfy(s -> assertThat(s.closed()).isTrue());
  }

  @Test
  void withTheStreamerRunningTheBackupWaitsForItsWalAndReceivesNone() {
    complete(2, 3);
    archive.putPartial(segment(1, 4), wal(lsn(4, 0), 0x100));

    BackupResult result =
        runner(new MutableClock(WalFixtures.T0), control(true))
            .run(request(Duration.ofMinutes(1)), BackupProgress.NONE);

    BackupManifest m = result.manifest();
    assertThat(repo.listBackups(DB)).containsExactly(m.backupId());
    assertThat(m.wal().startLsn()).isEqualTo(START.toString());
    assertThat(m.wal().endLsn()).isEqualTo(END.toString());
    assertThat(m.wal().segmentSize()).isEqualTo(SIZE.bytes());
    assertThat(result.walSegments()).isZero();
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).commands()).contains(SLOT_QUERY);
    assertThat(opened.get(0).commands()).last().asString().startsWith("BASE_BACKUP (");
    assertThat(repo.listLocks()).isEmpty();
  }

  @Test
  void withTheStreamerBehindTheBackupTimesOutAndCommitsNothing() {
    complete(2, 3); // the streamer has not reached the backup's end

    assertThatThrownBy(
            () ->
                runner(StreamerWalTest.ticking(), control(true))
                    .run(request(Duration.ofMinutes(5)), BackupProgress.NONE))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("backup.wal_timeout"));

    assertNothingCommittedAndAllReleased();
  }

  @Test
  void withAHoleInTheStreamersWalTheBackupCommitsNothing() {
    complete(2, 2);
    complete(4, 4);

    assertThatThrownBy(
            () ->
                runner(new MutableClock(WalFixtures.T0), control(true))
                    .run(request(Duration.ofMinutes(1)), BackupProgress.NONE))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("backup.wal_gap"));

    assertNothingCommittedAndAllReleased();
  }

  @Test
  void withoutAStreamerTheBackupReceivesItsOwnWalOnATemporarySlot() {
    ScriptedWalSender own = ownWal();
    for (long n = 2; n <= 4; n++) {
      own.wal(lsn(n, 0), wal(lsn(n, 0), (int) SIZE.bytes()), lsn(n + 1, 0));
    }
    own.whenClientEndsStreaming();

    BackupResult result =
        runner(new MutableClock(WalFixtures.T0), control(false), own)
            .run(request(Duration.ofMinutes(5)), BackupProgress.NONE);

    assertThat(repo.listBackups(DB)).containsExactly(result.manifest().backupId());
    assertThat(result.walSegments()).isEqualTo(3);
    assertThat(stored()).containsExactly(segment(1, 2), segment(1, 3), segment(1, 4));
    // the backup records that the archive holds its WAL whole, from its start to its end
    assertThat(archive.listCoverage())
        .containsExactly(
            new org.pghardstorage.core.repo.WalArchive.Coverage(
                segment(1, 2), java.util.Optional.of(segment(1, 4))));
    assertThat(archive.getSegment(segment(1, 3)).orElseThrow().content())
        .isEqualTo(wal(lsn(3, 0), (int) SIZE.bytes()));
    List<String> commands = own.commands();
    assertThat(commands).hasSize(3);
    String slot = commands.get(1).substring("READ_REPLICATION_SLOT ".length());
    assertThat(slot).matches("pghs_backup_[0-9a-f]{12}");
    assertThat(commands)
        .containsExactly(
            "CREATE_REPLICATION_SLOT " + slot + " TEMPORARY PHYSICAL (RESERVE_WAL true)",
            "READ_REPLICATION_SLOT " + slot,
            "START_REPLICATION SLOT " + slot + " PHYSICAL 0/200000 TIMELINE 1");
    assertThat(own.statusUpdates()).last().extracting(StatusUpdate::flush).isEqualTo(lsn(5, 0));
    assertThat(own.closed()).isTrue();
    assertThat(repo.listLocks()).isEmpty();
  }

  @Test
  void aBrokenWalStreamFailsTheBackupAndCommitsNothing() {
    ScriptedWalSender own = ownWal();
    own.wal(lsn(2, 0), wal(lsn(2, 0), (int) SIZE.bytes()), lsn(5, 0));
    own.wal(lsn(3, 0), wal(lsn(3, 0), 0x1000), lsn(5, 0));
    // then the server goes away

    assertThatThrownBy(
            () ->
                runner(new MutableClock(WalFixtures.T0), control(false), own)
                    .run(request(Duration.ofMinutes(5)), BackupProgress.NONE))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.connection_lost"));

    assertNothingCommittedAndAllReleased();
    assertThat(stored()).containsExactly(segment(1, 2));
  }

  @Test
  void walTheServerNoLongerHasFailsTheBackupAndCommitsNothing() {
    ScriptedWalSender own =
        ScriptedWalSender.script()
            .slotCreated("pghs_backup")
            .slot(START, 1)
            .error(
                "58P01", "requested WAL segment 000000010000000000000002 has already been removed");

    assertThatThrownBy(
            () ->
                runner(new MutableClock(WalFixtures.T0), control(false), own)
                    .run(request(Duration.ofMinutes(5)), BackupProgress.NONE))
        .isInstanceOf(PgServerException.class)
        .hasMessageContaining("has already been removed");

    assertNothingCommittedAndAllReleased();
  }

  @Test
  void ownWalThatIsNotDurableInTimeFailsTheBackupAndCommitsNothing() {
    ScriptedWalSender own = ownWal();
    own.wal(lsn(2, 0), wal(lsn(2, 0), (int) SIZE.bytes()), lsn(3, 0));
    own.whenClientEndsStreaming(); // quiet: the server never sends the WAL up to the end

    assertThatThrownBy(
            () ->
                runner(new MutableClock(WalFixtures.T0), control(false), own)
                    .run(request(Duration.ofMillis(200)), BackupProgress.NONE))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("backup.wal_timeout"))
        .hasMessageContaining(END.toString());

    assertNothingCommittedAndAllReleased();
  }
}
