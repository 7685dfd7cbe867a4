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
import org.pghardstorage.core.chunk.ChunkRef;
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
import org.pghardstorage.core.repo.manifest.FileEntry;
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

  private final MemoryObjectStore store = new MemoryObjectStore("backup");
  private final Repository repo = WalFixtures.repository(store);
  private final WalArchive archive = repo.wal(DB);
  private final List<ScriptedWalSender> opened = new ArrayList<>();

  private static byte[] baseTar() {
    return baseTar(new byte[0]);
  }

  /** The base archive, with {@code relation} as base/5/16384 unless it is empty. */
  private static byte[] baseTar(byte[] relation) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      if (relation.length > 0) {
        file(tar, "base/5/16384", relation);
      }
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
    return control(streamerActive, baseTar());
  }

  private static ScriptedWalSender control(boolean streamerActive, byte[] tar) {
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
        tar,
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
    return request(walTimeout, "pg_hardstorage_db1");
  }

  private static BackupRequest request(Duration walTimeout, String streamerSlot) {
    return new BackupRequest(
        DB,
        ConnInfo.parse("host=db.test user=backup dbname=postgres"),
        "unit",
        true,
        OptionalLong.empty(),
        walTimeout,
        streamerSlot);
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
  void aDeploymentWithItsOwnSlotFindsItsStreamerThereAndReceivesNoWalOfItsOwn() {
    complete(2, 3);
    archive.putPartial(segment(1, 4), wal(lsn(4, 0), 0x100));

    // only the control connection is scripted: a second WAL receiver would find no script
    BackupResult result =
        runner(new MutableClock(WalFixtures.T0), control(true))
            .run(request(Duration.ofMinutes(1), "db1_own_slot"), BackupProgress.NONE);

    assertThat(result.walSegments()).isZero();
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).commands())
        .contains("SELECT 1 FROM pg_replication_slots WHERE active AND slot_name = 'db1_own_slot'")
        .doesNotContain(SLOT_QUERY);
  }

  @Test
  void theNextBackupCutsAFileAtThePreviousOnesBoundariesAndStoresOnlyTheChangedPage() {
    byte[] v1 = randomPages(256);
    byte[] v2 = withOnePageChanged(v1);
    MutableClock clock = streamerHoldsTheWal();
    BackupManifest first = backup(clock, v1);
    BackupManifest second = backup(clock, v2);

    assertThat(second.stats().bytesNew()).isEqualTo(8192);
    List<ChunkRef> refs = relation(second).chunks();
    assertThat(refs).anyMatch(r -> r.slice() != null);
    assertThat(refs.stream().map(ChunkRef::id))
        .containsAll(relation(first).chunks().stream().skip(1).map(ChunkRef::id).toList());
  }

  @Test
  void aDamagedLatestManifestCostsOnlyItsBoundaries() {
    byte[] v1 = randomPages(256);
    byte[] v2 = withOnePageChanged(v1);
    MutableClock clock = streamerHoldsTheWal();
    backup(clock, v1);
    BackupManifest second = backup(clock, v2);
    store.put(Repository.manifestKey(DB, second.backupId()), new byte[] {1, 2, 3});

    // The system is checked against the first backup; the file is cut by content alone.
    BackupManifest third = backup(clock, v2);
    assertThat(relation(third).chunks()).noneMatch(r -> r.slice() != null);
    assertThat(third.stats().bytesNew()).isGreaterThan(8192);

    store.put(Repository.manifestKey(DB, third.backupId()), new byte[] {1, 2, 3});
    store.put(Repository.manifestKey(DB, repo.listBackups(DB).get(0)), new byte[] {1, 2, 3});
    // No backup reads: the system cannot be checked, so nothing is backed up.
    assertThatThrownBy(() -> backup(clock, v2))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("repo.corrupt"));
  }

  private BackupManifest backup(MutableClock clock, byte[] relation) {
    clock.advance(Duration.ofMinutes(1));
    return runner(clock, control(true, baseTar(relation)))
        .run(request(Duration.ofMinutes(1)), BackupProgress.NONE)
        .manifest();
  }

  private static FileEntry relation(BackupManifest m) {
    return m.archives().get(0).files().stream()
        .filter(f -> f.path().equals("base/5/16384"))
        .findFirst()
        .orElseThrow();
  }

  /** The streamer's WAL covers every backup's range; backups a minute apart. */
  private MutableClock streamerHoldsTheWal() {
    complete(2, 3);
    archive.putPartial(segment(1, 4), wal(lsn(4, 0), 0x100));
    return new MutableClock(WalFixtures.T0);
  }

  private static byte[] withOnePageChanged(byte[] pages) {
    byte[] out = pages.clone();
    out[100 * 8192 + 4000] ^= 1;
    return out;
  }

  private static byte[] randomPages(int pages) {
    byte[] out = new byte[pages * 8192];
    new java.util.Random(42).nextBytes(out);
    return out;
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
