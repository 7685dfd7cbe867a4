package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.FakeCluster.DB1;
import static org.pghardstorage.core.restore.FakeCluster.SEGMENT_SIZE;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.DelegatingStore;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * restore_command's answers: "absent" (PostgreSQL ends recovery) only where the repository knows,
 * and an error (PostgreSQL aborts recovery) for holes, rotated WAL, unknown deployments and storage
 * failures. Segments are 1 MiB; the backup needs 0x20 and 0x21 on timeline 1.
 */
class WalFetcherTest {
  private final MemoryObjectStore memory = new MemoryObjectStore("fetch");
  private final AtomicReference<Consumer<ObjectKey>> beforeGet = new AtomicReference<>(k -> {});
  private final FaultInjectingObjectStore store =
      new FaultInjectingObjectStore(new HookedStore(memory, beforeGet));
  private Repository repo;
  private WalArchive wal;

  @BeforeEach
  void backup() {
    repo = RestoreFixture.init(store);
    FakeCluster.typical().commit(repo, id(1));
    wal = repo.wal(DB1);
  }

  @AfterEach
  void close() {
    repo.close();
  }

  private WalFetcher.Answer fetch(String file) {
    return new WalFetcher(repo, DB1).fetch(file);
  }

  private HardstorageException error(String file) {
    try {
      WalFetcher.Answer a = fetch(file);
      throw new AssertionError("expected an error for " + file + ", got " + a);
    } catch (HardstorageException e) {
      return e;
    }
  }

  private static String seg(long tli, long n) {
    return WalSegmentName.of(TimelineId.of(tli), n, WalSegmentSize.ofBytes(SEGMENT_SIZE))
        .toString();
  }

  @Test
  void handsOverCompleteSegmentsAndPaddedPartials() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x22);
    byte[] head = "partial wal".getBytes(StandardCharsets.US_ASCII);
    wal.putPartial(seg(1, 0x23), head);

    WalFetcher.Found complete = (WalFetcher.Found) fetch(seg(1, 0x21));
    assertThat(complete.partial()).isFalse();
    assertThat(complete.content()).isEqualTo(FakeCluster.walSegment(1, 0x21));

    WalFetcher.Found partial = (WalFetcher.Found) fetch(seg(1, 0x23));
    assertThat(partial.partial()).isTrue();
    assertThat(partial.content()).hasSize(SEGMENT_SIZE);
    assertThat(Arrays.copyOf(partial.content(), head.length)).isEqualTo(head);
    assertThat(Arrays.copyOfRange(partial.content(), head.length, SEGMENT_SIZE))
        .containsOnly((byte) 0);
  }

  @Test
  void aSegmentPastTheNewestOfItsTimelineIsAbsent() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x22);
    wal.putPartial(seg(1, 0x23), new byte[10]);

    WalFetcher.Absent a = (WalFetcher.Absent) fetch(seg(1, 0x24));
    assertThat(a.reason()).contains("past the newest archived WAL of timeline 1").contains("0023");
    assertThat(fetch(seg(1, 0x99))).isInstanceOf(WalFetcher.Absent.class);
  }

  /** What a WAL streamer records when it starts a session at {@code n} on {@code tli}. */
  private void streamedFrom(long tli, long n) {
    wal.recordCoverage(new WalArchive.Coverage(seg(tli, n), java.util.Optional.empty()));
  }

  @Test
  void aMissingSegmentInsideTheArchivedRangeIsAHole() {
    streamedFrom(1, 0x20);
    FakeCluster.archiveWal(repo, 1, 0x20, 0x25);
    wal.deleteSegment(seg(1, 0x22));

    HardstorageException e = error(seg(1, 0x22));
    assertThat(e.code()).isEqualTo(WalFetcher.HOLE);
    assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
    assertThat(e.getMessage()).contains(seg(1, 0x22)).contains(seg(1, 0x20)).contains(seg(1, 0x25));
  }

  @Test
  void walBetweenBackupsOfADeploymentWithoutAStreamerWasNeverArchived() {
    // two backups, each with its own WAL, no streamer: PostgreSQL reading ahead past the first
    // backup's end asks for the segment between them
    wal.recordCoverage(new WalArchive.Coverage(seg(1, 0x20), java.util.Optional.of(seg(1, 0x21))));
    wal.recordCoverage(new WalArchive.Coverage(seg(1, 0x24), java.util.Optional.of(seg(1, 0x25))));
    FakeCluster.archiveWal(repo, 1, 0x20, 0x21);
    FakeCluster.archiveWal(repo, 1, 0x24, 0x25);

    WalFetcher.Absent a = (WalFetcher.Absent) fetch(seg(1, 0x22));
    assertThat(a.reason()).contains("never archived");
    // a segment of a backup's own WAL that is gone was lost, not skipped
    wal.deleteSegment(seg(1, 0x24));
    assertThat(error(seg(1, 0x24)).code()).isEqualTo(WalFetcher.HOLE);
  }

  @Test
  void aSegmentOlderThanTheOldestArchivedIsAHoleNotTheEnd() {
    // what a recovery meets when rotation deleted the WAL it was reading
    FakeCluster.archiveWal(repo, 1, 0x30, 0x32);

    HardstorageException e = error(seg(1, 0x21));
    assertThat(e.code()).isEqualTo(WalFetcher.HOLE);
    assertThat(e.getMessage()).contains("rotated away");
  }

  @Test
  void walOfAnAncestorBeforeItsBranchPointIsAHoleAfterItAbsent() {
    streamedFrom(1, 0x20);
    FakeCluster.archiveWal(repo, 1, 0x20, 0x21);
    // timeline 2 branched off timeline 1 at 0/24000A0, inside segment 0x24
    wal.putHistory(2, "1\t0/24000A0\tno recovery target specified\n".getBytes());
    FakeCluster.archiveWal(repo, 2, 0x24, 0x26);

    HardstorageException e = error(seg(1, 0x24));
    assertThat(e.code()).isEqualTo(WalFetcher.HOLE);
    assertThat(e.getMessage())
        .contains("timeline 2 branched off timeline 1 at " + Lsn.parse("0/24000A0"));
    assertThat(error(seg(1, 0x22)).code()).isEqualTo(WalFetcher.HOLE);
    assertThat(fetch(seg(1, 0x25))).isInstanceOf(WalFetcher.Absent.class);
    // PostgreSQL does not ask timeline 2 for segments before it began; the answer is harmless
    assertThat(fetch(seg(2, 0x23))).isInstanceOf(WalFetcher.Absent.class);
    assertThat(fetch(seg(2, 0x27))).isInstanceOf(WalFetcher.Absent.class);
  }

  @Test
  void aTimelineWithAHistoryButNoSegmentsYetIsAbsentBeyondItsStart() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x24);
    wal.putHistory(2, "1\t0/24000A0\tno recovery target specified\n".getBytes());

    WalFetcher.Absent a = (WalFetcher.Absent) fetch(seg(2, 0x24));
    assertThat(a.reason()).contains("no WAL of timeline 2 is archived yet");
  }

  @Test
  void historyFilesAreAbsentOnlyWhenNeverWritten() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x21);
    byte[] h3 = "1\t0/21000A0\tx\n2\t0/22000A0\ty\n".getBytes();
    wal.putHistory(3, h3);

    assertThat(((WalFetcher.Found) fetch("00000003.history")).content()).isEqualTo(h3);
    assertThat(fetch("00000004.history")).isInstanceOf(WalFetcher.Absent.class);
    // PostgreSQL asks for timeline 1's when it promotes; there never is one
    assertThat(fetch("00000001.history")).isInstanceOf(WalFetcher.Absent.class);
    // timeline 3's history names 2 as its parent: the file of 2 was written once
    HardstorageException e = error("00000002.history");
    assertThat(e.code()).isEqualTo(WalFetcher.HOLE);
    assertThat(e.getMessage()).contains("history of timeline 3 names timeline 2");
  }

  @Test
  void aHistoryOfATimelineWithArchivedWalIsAHoleWhenMissing() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x21);
    FakeCluster.archiveWal(repo, 2, 0x22, 0x22);

    assertThat(error("00000002.history").code()).isEqualTo(WalFetcher.HOLE);
  }

  @Test
  void aDeploymentWithNothingArchivedIsAnErrorNotTheEndOfTheArchive() {
    WalFetcher other = new WalFetcher(repo, Deployment.of("db2"));
    assertThatThrownBy(() -> other.fetch(seg(1, 0x20)))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo(WalFetcher.NOTHING_ARCHIVED));
    assertThatThrownBy(() -> other.fetch("00000002.history"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo(WalFetcher.NOTHING_ARCHIVED));
  }

  @Test
  void namesPostgresqlDoesNotAskForAreRefused() {
    for (String name :
        new String[] {
          "000000010000000000000020.partial",
          "000000010000000000000020.00000028.backup",
          "00000000000000000000001F",
          "../../etc/passwd",
          ""
        }) {
      assertThat(error(name).code()).as(name).isEqualTo(WalFetcher.INVALID_NAME);
    }
  }

  @Test
  void aStorageFailureIsAnErrorEvenWhereTheAnswerWouldBeAbsent() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x21);
    store.failNextCalls(StorageOperation.GET, 100, FaultInjectingObjectStore.unavailable("gone"));
    store.failNextCalls(StorageOperation.LIST, 100, FaultInjectingObjectStore.unavailable("gone"));

    assertThatThrownBy(() -> fetch(seg(1, 0x22))).isInstanceOf(HardstorageException.class);
    assertThatThrownBy(() -> fetch("00000002.history")).isInstanceOf(HardstorageException.class);
  }

  @Test
  void aSegmentCompletedWhileBeingReadIsFoundNotAbsent() {
    FakeCluster.archiveWal(repo, 1, 0x20, 0x21);
    String name = seg(1, 0x22);
    byte[] content = FakeCluster.walSegment(1, 0x22);
    wal.putPartial(name, Arrays.copyOf(content, 4096));
    // The streamer finishes the segment right after the reader missed the complete object:
    // complete stored, partial deleted, before the reader looks for the partial.
    ObjectKey partialKey = wal.objectKey(name, true);
    AtomicBoolean raced = new AtomicBoolean();
    beforeGet.set(
        key -> {
          if (key.equals(partialKey) && raced.compareAndSet(false, true)) {
            wal.putSegment(name, content);
          }
        });

    WalFetcher.Found f = (WalFetcher.Found) fetch(name);
    assertThat(raced).isTrue();
    assertThat(f.partial()).isFalse();
    assertThat(f.content()).isEqualTo(content);
  }

  /** Runs a hook before every {@code get}, to interleave a writer with a reader. */
  private static final class HookedStore extends DelegatingStore {
    private final AtomicReference<Consumer<ObjectKey>> hook;

    HookedStore(ObjectStore delegate, AtomicReference<Consumer<ObjectKey>> hook) {
      super(delegate);
      this.hook = hook;
    }

    @Override
    public byte[] get(ObjectKey key) {
      hook.get().accept(key);
      return super.get(key);
    }
  }
}
