package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.FakeCluster.SEGMENT_SIZE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.pg.WalSegmentSize;

/**
 * The spool's own guarantees, which the launcher's fast path relies on: a spool of another identity
 * is emptied before it is taken, what a killed fetcher leaves is never kept under a segment's name,
 * content that is not the named segment is refused, one fetcher per spool.
 */
class WalSpoolTest {
  static final WalSegmentSize SIZE = WalSegmentSize.ofBytes(SEGMENT_SIZE);
  static final String SEG_22 = "000000010000000000000022";
  static final String SEG_23 = "000000010000000000000023";

  @TempDir Path tmp;

  /** A data directory whose postmaster.pid says the server started at {@code started}. */
  static Path dataDir(Path root, String started) throws IOException {
    Files.createDirectories(root.resolve("pg_wal"));
    Files.writeString(
        root.resolve("postmaster.pid"),
        ProcessHandle.current().pid()
            + "\n"
            + root
            + "\n"
            + started
            + "\n5432\n/tmp\n*\n1\nready\n");
    Files.writeString(root.resolve("recovery.signal"), "");
    return root;
  }

  static WalSpool.Identity identity(Path data) throws IOException {
    return WalSpool.Identity.of(data, List.of("db1", "--restore-command", "--prefetch", "8"));
  }

  static Path spoolDir(Path data) {
    return data.resolve("pg_wal").resolve(RestoreCommands.PREFETCH_SPOOL);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aSpoolOfAnotherRunOfTheServerIsEmptiedBeforeItIsTaken() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    WalSpool.Identity earlier = identity(data);
    try (WalSpool old = WalSpool.take(spoolDir(data), earlier).orElseThrow()) {
      old.publishSegment(SEG_22, FakeCluster.walSegment(1, 0x22), SIZE);
      old.publishAbsent(SEG_23, "past the end");
    }
    Files.writeString(spoolDir(data).resolve("000000010000000000000024"), "planted");
    // the server restarts (another start time): the same arguments are another identity
    dataDir(data, "1700000999");
    try (WalSpool now = WalSpool.take(spoolDir(data), identity(data)).orElseThrow()) {
      assertThat(names(spoolDir(data)))
          .containsExactlyInAnyOrder(WalSpool.LOCK, WalSpool.OWNER, WalSpool.PID);
      assertThat(Files.readString(spoolDir(data).resolve(WalSpool.OWNER)))
          .isEqualTo(identity(data).text())
          .contains("1700000999")
          .doesNotContain("1700000000");
      assertThat(now.stillOurs()).isTrue();
    }
  }

  @Test
  void aSpoolForOtherArgumentsIsEmptiedToo() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    WalSpool.Identity otherRepo =
        WalSpool.Identity.of(data, List.of("db1", "--prefetch", "8", "--repo", "file:///other"));
    try (WalSpool old = WalSpool.take(spoolDir(data), otherRepo).orElseThrow()) {
      old.publishSegment(SEG_22, FakeCluster.walSegment(1, 0x22), SIZE);
    }
    try (WalSpool now = WalSpool.take(spoolDir(data), identity(data)).orElseThrow()) {
      assertThat(now.segments()).isEmpty();
    }
  }

  @Test
  void whatAKilledFetcherLeftIsDroppedAndSoundSegmentsAreKept() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    Path dir = spoolDir(data);
    try (WalSpool first = WalSpool.take(dir, identity(data)).orElseThrow()) {
      first.publishSegment(SEG_22, FakeCluster.walSegment(1, 0x22), SIZE);
      first.publishAbsent(SEG_23, "past the end");
    }
    // as a fetcher killed while writing, and files it never wrote
    byte[] half = Arrays.copyOf(FakeCluster.walSegment(1, 0x23), SEGMENT_SIZE / 2);
    Files.write(dir.resolve(".tmp-" + SEG_23), half);
    Files.write(dir.resolve("000000010000000000000024"), half);
    Files.write(dir.resolve("000000010000000000000025"), FakeCluster.walSegment(1, 0x26));
    Files.writeString(dir.resolve("000000010000000000000026.absent"), "planted\n");
    try (WalSpool again = WalSpool.take(dir, identity(data)).orElseThrow()) {
      assertThat(names(dir))
          .containsExactlyInAnyOrder(WalSpool.LOCK, WalSpool.OWNER, WalSpool.PID, SEG_22);
      assertThat(Files.readAllBytes(dir.resolve(SEG_22)))
          .isEqualTo(FakeCluster.walSegment(1, 0x22));
      assertThat(again.segments()).containsExactly(SEG_22);
    }
  }

  @Test
  void contentThatIsNotTheNamedSegmentIsRefusedAndNothingIsWritten() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    try (WalSpool spool = WalSpool.take(spoolDir(data), identity(data)).orElseThrow()) {
      byte[] good = FakeCluster.walSegment(1, 0x22);
      assertThatThrownBy(
              () -> spool.publishSegment(SEG_22, Arrays.copyOf(good, good.length - 1), SIZE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not the segment size");
      assertThatThrownBy(() -> spool.publishSegment(SEG_22, FakeCluster.walSegment(1, 0x23), SIZE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("addressed 2300000");
      byte[] noLongHeader = good.clone();
      noLongHeader[2] = 0;
      assertThatThrownBy(() -> spool.publishSegment(SEG_22, noLongHeader, SIZE))
          .hasMessageContaining("no long header");
      assertThat(spool.segments()).isEmpty();
      assertThat(names(spoolDir(data))).noneMatch(n -> n.contains(SEG_22));
    }
  }

  @Test
  void oneFetcherHoldsTheSpoolAndItsNegativeAnswersLapseWithIt() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    WalSpool first = WalSpool.take(spoolDir(data), identity(data)).orElseThrow();
    first.publishAbsent(SEG_23, "past the end");
    assertThat(WalSpool.take(spoolDir(data), identity(data))).isEmpty();
    assertThat(Files.readString(spoolDir(data).resolve(WalSpool.PID)))
        .startsWith(ProcessHandle.current().pid() + " ");
    first.close();
    assertThat(spoolDir(data).resolve(WalSpool.PID)).doesNotExist();
    assertThat(spoolDir(data).resolve(SEG_23 + WalSpool.ABSENT)).doesNotExist();
    WalSpool.take(spoolDir(data), identity(data)).orElseThrow().close();
  }

  @Test
  void hintsGoOnlyToAnExistingSpool() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    Path target = data.resolve("pg_wal/RECOVERYXLOG");
    assertThat(WalSpool.hint(target, SEG_22)).isFalse();
    assertThat(spoolDir(data)).doesNotExist();
    try (WalSpool spool = WalSpool.take(spoolDir(data), identity(data)).orElseThrow()) {
      assertThat(WalSpool.hint(target, "../../etc/passwd")).isFalse();
      assertThat(WalSpool.hint(target, SEG_22)).isTrue();
      assertThat(spool.takeHint()).contains(SEG_22);
      assertThat(spool.takeHint()).isEmpty();
    }
  }

  @Test
  void theRecoveryStartComesFromBackupLabel() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    assertThat(WalSpool.backupStartSegment(data)).isEmpty();
    Files.writeString(
        data.resolve("backup_label"),
        "START WAL LOCATION: 0/2000028 (file 000000010000000000000020)\n"
            + "CHECKPOINT LOCATION: 0/2000060\n");
    assertThat(WalSpool.backupStartSegment(data))
        .isEqualTo(Optional.of("000000010000000000000020"));
  }

  @Test
  void recoveryGoesOnWhileItsServerRunsAndIsInRecoveryAndAGraceAfter() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    var watch = WalSpool.recoveryWatch(data, identity(data), clock::get);
    assertThat(watch.getAsBoolean()).isTrue();
    Files.delete(data.resolve("recovery.signal"));
    assertThat(watch.getAsBoolean())
        .as("PostgreSQL still probes history files after removing recovery.signal")
        .isTrue();
    clock.addAndGet(WalSpool.END_GRACE.toNanos());
    assertThat(watch.getAsBoolean()).isFalse();
    Files.writeString(data.resolve("standby.signal"), "");
    assertThat(watch.getAsBoolean()).isTrue();
    dataDir(data, "1700000001");
    assertThat(watch.getAsBoolean()).as("another run of the server").isFalse();
  }

  @Test
  void aRecoveryThatEndedBeforeTheFirstLookIsOverAtOnce() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    Files.delete(data.resolve("recovery.signal"));
    assertThat(WalSpool.recoveryWatch(data, identity(data), () -> 0L).getAsBoolean()).isFalse();
  }

  @Test
  void removingTheSpoolRemovesEverythingInIt() throws IOException {
    Path data = dataDir(tmp.resolve("data"), "1700000000");
    try (WalSpool spool = WalSpool.take(spoolDir(data), identity(data)).orElseThrow()) {
      spool.publishSegment(SEG_22, FakeCluster.walSegment(1, 0x22), SIZE);
    }
    WalSpool.remove(spoolDir(data));
    assertThat(names(data.resolve("pg_wal"))).isEmpty();
    WalSpool.remove(spoolDir(data));
  }
}
