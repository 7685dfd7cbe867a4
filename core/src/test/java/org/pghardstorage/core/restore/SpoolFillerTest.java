package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.restore.FakeCluster.DB1;
import static org.pghardstorage.core.restore.FakeCluster.SEGMENT_SIZE;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.DelegatingStore;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * The background fetcher's filling: ahead of recovery in order, within the limits; a negative
 * answer kept only as the repository states it and withdrawn when that changes or cannot be
 * confirmed; holes, storage errors and partial segments never cached. Time is a fake clock that the
 * tests move; fetches are awaited, never timed. Segments are 1 MiB; the backup needs 0x20 and 0x21
 * on timeline 1.
 */
class SpoolFillerTest {
  private final AtomicReference<CountDownLatch> hang = new AtomicReference<>();
  private final FaultInjectingObjectStore store =
      new FaultInjectingObjectStore(new HangingStore(new MemoryObjectStore("spool"), hang));
  private final AtomicLong clock = new AtomicLong();
  private final List<String> log = new ArrayList<>();
  private Repository repo;
  private WalArchive wal;
  private Path dir;
  private WalSpool spool;
  private SpoolFiller filler;

  @TempDir Path tmp;

  @BeforeEach
  void setUp() throws IOException {
    repo = RestoreFixture.init(store);
    FakeCluster.typical().commit(repo, id(1));
    wal = repo.wal(DB1);
    Path data = WalSpoolTest.dataDir(tmp.resolve("data"), "1700000000");
    dir = WalSpoolTest.spoolDir(data);
    spool = WalSpool.take(dir, WalSpoolTest.identity(data)).orElseThrow();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (filler != null) {
      filler.close();
    }
    spool.close();
    repo.close();
  }

  private void start(int segments, long bytes, String requested, Optional<String> labelStart)
      throws IOException {
    filler =
        new SpoolFiller(
            repo,
            DB1,
            spool,
            new SpoolFiller.Limits(
                segments, bytes, 2, Duration.ofSeconds(1), Duration.ofSeconds(60)),
            () -> true,
            clock::get,
            log::add);
    filler.begin(requested, labelStart);
    settle();
  }

  /** Rounds until every fetch started has been handed over and no new one starts. */
  private void settle() throws IOException {
    for (int i = 0; i < 40; i++) {
      assertThat(filler.step()).isEmpty();
      filler.drain();
    }
  }

  private void later(long seconds) throws IOException {
    clock.addAndGet(Duration.ofSeconds(seconds).toNanos());
    settle();
  }

  private static String seg(long n) {
    return WalSegmentName.of(TimelineId.of(1), n, WalSegmentSize.ofBytes(SEGMENT_SIZE)).toString();
  }

  private Optional<String> absent(long n) throws IOException {
    Path p = dir.resolve(seg(n) + WalSpool.ABSENT);
    return Files.exists(p) ? Optional.of(Files.readString(p).strip()) : Optional.empty();
  }

  /** The negative answers for segments (the next timeline's history probe is answered too). */
  private List<String> markers() throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(WalSpool.ABSENT) && !n.contains(".history"))
          .toList();
    }
  }

  @Test
  void fillsAheadOfTheRequestedSegmentInOrderWithinTheCountAndTheBytes() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x2F);
    start(4, 1L << 30, seg(0x21), Optional.empty());
    assertThat(spool.segments())
        .as("from the requested one: the launcher waits for it")
        .containsExactly(seg(0x21), seg(0x22), seg(0x23), seg(0x24));
    for (long n = 0x21; n <= 0x24; n++) {
      assertThat(Files.readAllBytes(dir.resolve(seg(n)))).isEqualTo(FakeCluster.walSegment(1, n));
    }
    assertThat(markers()).isEmpty();
    assertThat(dir.resolve("00000002.history" + WalSpool.ABSENT))
        .as("PostgreSQL probes the next timeline's history")
        .hasContent("timeline 2 was never archived\n");

    // recovery takes two (the launcher renames them away): the window moves on
    Files.delete(dir.resolve(seg(0x21)));
    Files.delete(dir.resolve(seg(0x22)));
    settle();
    assertThat(spool.segments()).containsExactly(seg(0x23), seg(0x24), seg(0x25), seg(0x26));
  }

  @Test
  void theByteLimitHoldsToo() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x2F);
    start(10, 3L * SEGMENT_SIZE, seg(0x21), Optional.empty());
    assertThat(spool.segments()).containsExactly(seg(0x21), seg(0x22), seg(0x23));
  }

  @Test
  void aHintFromTheForegroundMovesTheWindowAndDropsWhatRecoveryPassed() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x2F);
    start(3, 1L << 30, seg(0x21), Optional.empty());
    assertThat(spool.segments()).containsExactly(seg(0x21), seg(0x22), seg(0x23));
    WalSpool.hint(dir.getParent().resolve("RECOVERYXLOG"), seg(0x28));
    settle();
    assertThat(spool.segments()).containsExactly(seg(0x28), seg(0x29), seg(0x2A));
  }

  @Test
  void theEndOfTheArchiveIsCachedAsTheRepositoryStatesItUntilThatChanges() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x23);
    start(8, 1L << 30, seg(0x21), Optional.empty());
    assertThat(spool.segments()).containsExactly(seg(0x21), seg(0x22), seg(0x23));
    assertThat(absent(0x24))
        .contains(((WalFetcher.Absent) new WalFetcher(repo, DB1).fetch(seg(0x24))).reason());
    assertThat(markers()).containsExactly(seg(0x24) + WalSpool.ABSENT);

    // the streamer archives more: the next recheck withdraws the answer and fetches on
    FakeCluster.archiveWal(repo, 1, 0x24, 0x25);
    later(1);
    assertThat(spool.segments()).contains(seg(0x24), seg(0x25));
    assertThat(markers()).containsExactly(seg(0x26) + WalSpool.ABSENT);
  }

  @Test
  void aHoleIsNeverCachedAsAbsent() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x26);
    wal.recordCoverage(new WalArchive.Coverage(seg(0x20), Optional.empty()));
    wal.deleteSegment(seg(0x24));
    start(8, 1L << 30, seg(0x21), Optional.empty());
    assertThat(spool.segments()).contains(seg(0x22), seg(0x23)).doesNotContain(seg(0x24));
    assertThat(markers()).isEmpty();
    assertThat(log).anyMatch(l -> l.contains(seg(0x24)) && l.contains(WalFetcher.HOLE));
    later(1);
    assertThat(markers()).as("asked again, still a hole").isEmpty();
    assertThat(dir.resolve(seg(0x24) + WalSpool.ASK_JAVA)).as("the launcher asks Java").exists();
  }

  @Test
  void aNegativeAnswerThatCannotBeConfirmedIsWithdrawn() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x23);
    start(8, 1L << 30, seg(0x21), Optional.empty());
    assertThat(absent(0x24)).isPresent();
    store.failNextCalls(StorageOperation.GET, 1000, FaultInjectingObjectStore.unavailable("down"));
    store.failNextCalls(StorageOperation.LIST, 1000, FaultInjectingObjectStore.unavailable("down"));
    store.failNextCalls(StorageOperation.STAT, 1000, FaultInjectingObjectStore.unavailable("down"));
    later(1);
    assertThat(markers()).isEmpty();
    assertThat(log).anyMatch(l -> l.contains("cannot fetch " + seg(0x24)));
  }

  @Test
  void aNegativeAnswerWhoseRecheckHangsLapses() throws IOException, InterruptedException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x23);
    start(8, 1L << 30, seg(0x21), Optional.empty());
    assertThat(absent(0x24)).isPresent();
    CountDownLatch release = new CountDownLatch(1);
    hang.set(release);
    try {
      // the recheck starts and hangs in a listing; the answer is not confirmed any more
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(filler.step()).isEmpty();
      assertThat(absent(0x24)).as("still within three rechecks").isPresent();
      clock.addAndGet(Duration.ofSeconds(3).toNanos());
      assertThat(filler.step()).isEmpty();
      assertThat(absent(0x24)).isEmpty();
    } finally {
      hang.set(null);
      release.countDown();
    }
    filler.drain();
    assertThat(absent(0x24)).as("confirmed again once the repository answers").isPresent();
  }

  /** A store whose listings wait while a latch is set: a storage call that hangs. */
  private static final class HangingStore extends DelegatingStore {
    private final AtomicReference<CountDownLatch> hang;

    HangingStore(ObjectStore delegate, AtomicReference<CountDownLatch> hang) {
      super(delegate);
      this.hang = hang;
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      CountDownLatch latch = hang.get();
      if (latch != null) {
        try {
          latch.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.list(prefix);
    }
  }

  @Test
  void aPartialSegmentIsCachedAsTheRepositoryHoldsItNowUntilItIsComplete() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x22);
    byte[] full = FakeCluster.walSegment(1, 0x23);
    wal.putPartial(seg(0x23), java.util.Arrays.copyOf(full, SEGMENT_SIZE / 4));
    start(8, 1L << 30, seg(0x21), Optional.empty());
    assertThat(spool.segments()).containsExactly(seg(0x21), seg(0x22));
    Path partial = dir.resolve(seg(0x23) + WalSpool.PARTIAL);
    assertThat(Files.readAllBytes(partial))
        .isEqualTo(((WalFetcher.Found) new WalFetcher(repo, DB1).fetch(seg(0x23))).content());
    assertThat(markers()).isEmpty();

    // the streamer stores more of it: the next recheck replaces it
    wal.putPartial(seg(0x23), java.util.Arrays.copyOf(full, SEGMENT_SIZE / 2));
    later(1);
    assertThat(Files.readAllBytes(partial))
        .isEqualTo(((WalFetcher.Found) new WalFetcher(repo, DB1).fetch(seg(0x23))).content());

    // complete now: spooled as such, the partial withdrawn
    wal.putSegment(seg(0x23), full);
    later(1);
    assertThat(partial).doesNotExist();
    assertThat(spool.segments()).contains(seg(0x23));
    assertThat(markers()).containsExactly(seg(0x24) + WalSpool.ABSENT);
  }

  @Test
  void whatCannotBeCachedSendsTheLauncherToJavaAtOnce() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x22);
    wal.putPartial(seg(0x23), "no page header".getBytes(StandardCharsets.US_ASCII));
    start(8, 1L << 30, seg(0x21), Optional.empty());
    assertThat(dir.resolve(seg(0x23) + WalSpool.ASK_JAVA)).exists();
    assertThat(dir.resolve(seg(0x23) + WalSpool.PARTIAL)).doesNotExist();
    assertThat(markers()).isEmpty();
  }

  @Test
  void historyProbesAreCachedOnlyWhenTheRepositorySaysAbsent() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x23);
    start(8, 1L << 30, "00000002.history", Optional.of(seg(0x20)));
    assertThat(spool.segments())
        .as("from the backup's start, which recovery asks for next")
        .containsExactly(seg(0x20), seg(0x21), seg(0x22), seg(0x23));
    assertThat(Files.readString(dir.resolve("00000002.history" + WalSpool.ABSENT)).strip())
        .isEqualTo("timeline 2 was never archived");
    assertThat(Files.readString(dir.resolve("00000001.history" + WalSpool.ABSENT)).strip())
        .as("asked for when recovery ends, to copy the parent's history")
        .isEqualTo("timeline 1 has no history file");

    // timeline 2 appears (a failover at the source): the probe is no longer answered here
    wal.putHistory(2, "1\t0/23000000\tno recovery target specified\n".getBytes());
    later(1);
    assertThat(dir.resolve("00000002.history" + WalSpool.ABSENT)).doesNotExist();
    assertThat(dir.resolve("00000002.history")).doesNotExist();
    assertThat(dir.resolve("00000002.history" + WalSpool.ASK_JAVA)).exists();
  }

  @Test
  void stopsWhenRecoveryEndsOrTheSpoolIsGone() throws IOException {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x23);
    AtomicLong ended = new AtomicLong();
    try (SpoolFiller f =
        new SpoolFiller(
            repo,
            DB1,
            spool,
            new SpoolFiller.Limits(8, 1L << 30, 2, Duration.ofSeconds(1), Duration.ofSeconds(60)),
            () -> ended.get() == 0,
            clock::get,
            log::add)) {
      f.begin(seg(0x21), Optional.empty());
      assertThat(f.step()).isEmpty();
      clock.addAndGet(Duration.ofSeconds(61).toNanos());
      assertThat(f.step()).contains(SpoolFiller.Outcome.IDLE);
      ended.set(1);
      assertThat(f.step()).contains(SpoolFiller.Outcome.RECOVERY_ENDED);
      ended.set(0);
      Files.delete(dir.resolve(WalSpool.OWNER));
      assertThat(f.step()).contains(SpoolFiller.Outcome.SPOOL_LOST);
    }
  }
}
