package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class WalArchiveTest {
  private static final String SEG3 = "000000010000000000000003";
  private static final String SEG4 = "000000010000000000000004";
  private static final String TL2_SEG = "000000020000000000000004";

  private final MemoryObjectStore store = new MemoryObjectStore("wal");
  private final Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open());
  private final WalArchive wal = repo.wal(DB1);

  @AfterEach
  void tearDown() {
    repo.close();
  }

  static byte[] segment(long seed) {
    byte[] s = new byte[3 * 1024 * 1024 + 100];
    new Random(seed).nextBytes(s); // several 1 MiB frames
    for (int i = 0; i < s.length; i += 2) {
      s[i] = 0; // compressible, like real WAL
    }
    return s;
  }

  @Test
  void completeSegmentsAreWriteOnceAndIdempotent() {
    byte[] content = segment(1);
    assertThat(wal.putSegment(SEG3, content)).isEqualTo(WalArchive.PutResult.STORED);
    assertThat(store.stat(ObjectKey.of("wal/db1/00000001/" + SEG3))).isPresent();
    assertThat(store.get(ObjectKey.of("wal/db1/00000001/" + SEG3)).length)
        .isLessThan(content.length);
    assertThat(wal.putSegment(SEG3, content)).isEqualTo(WalArchive.PutResult.ALREADY_PRESENT);
    byte[] other = content.clone();
    other[12345] = 1;
    assertThatThrownBy(() -> wal.putSegment(SEG3, other))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("wal.segment_conflict");
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.getMessage()).contains(SEG3);
            });
    WalSegment read = wal.getSegment(SEG3).orElseThrow();
    assertThat(read.partial()).isFalse();
    assertThat(read.content()).isEqualTo(content);
    assertThat(wal.getSegment(SEG4)).isEmpty();
  }

  @Test
  void sealingThenStoringIsPuttingAndASealedObjectStaysWithItsArchive() {
    byte[] content = segment(2);
    WalArchive.Sealed sealed = wal.sealSegment(SEG3, content);
    assertThat(store.stat(ObjectKey.of("wal/db1/00000001/" + SEG3))).isEmpty();
    assertThat(wal.store(sealed)).isEqualTo(WalArchive.PutResult.STORED);
    assertThat(wal.getSegment(SEG3).orElseThrow().content()).isEqualTo(content);
    assertThat(wal.putSegment(SEG3, content)).isEqualTo(WalArchive.PutResult.ALREADY_PRESENT);

    WalArchive other = repo.wal(Deployment.of("db2"));
    assertThatThrownBy(() -> other.store(wal.sealPartial(SEG4, new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wal/db1/00000001/" + SEG4);
    assertThat(other.listSegments(1)).isEmpty();
  }

  @Test
  void storedBytesCountThisDeploymentsWalObjectsOnly() {
    assertThat(wal.storedBytes()).isZero();
    wal.putSegment(SEG3, segment(1));
    wal.putPartial(SEG4, "part".getBytes(StandardCharsets.US_ASCII));
    repo.wal(Deployment.of("db10")).putSegment(SEG3, segment(2));

    long expected =
        store.stat(ObjectKey.of("wal/db1/00000001/" + SEG3)).orElseThrow().size()
            + store
                .stat(ObjectKey.of("wal/db1/00000001/" + SEG4 + ".partial"))
                .orElseThrow()
                .size();
    assertThat(wal.storedBytes()).isEqualTo(expected);
  }

  @Test
  void partialIsReplacedAndGivesWayToTheCompleteSegment() {
    byte[] first = "first part".getBytes(StandardCharsets.US_ASCII);
    byte[] more = "first part and more".getBytes(StandardCharsets.US_ASCII);
    wal.putPartial(SEG4, first);
    wal.putPartial(SEG4, more);
    WalSegment p = wal.getSegment(SEG4).orElseThrow();
    assertThat(p.partial()).isTrue();
    assertThat(p.content()).isEqualTo(more);
    assertThat(wal.listSegments(1))
        .extracting(WalEntry::name, WalEntry::partial)
        .containsExactly(tuple(SEG4, true));

    byte[] complete = segment(2);
    wal.putSegment(SEG4, complete);
    assertThat(wal.getSegment(SEG4).orElseThrow().partial()).isFalse();
    assertThat(store.stat(ObjectKey.of("wal/db1/00000001/" + SEG4 + ".partial"))).isEmpty();
  }

  @Test
  void listsTimelinesSegmentsAndHistories() {
    wal.putSegment(SEG4, new byte[] {4});
    wal.putSegment(SEG3, new byte[] {3});
    wal.putSegment(TL2_SEG, new byte[] {2});
    wal.putPartial("000000020000000000000005", new byte[] {5});
    byte[] history =
        "1\t0/5000000\tno recovery target specified\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(wal.putHistory(2, history)).isEqualTo(WalArchive.PutResult.STORED);
    assertThat(wal.putHistory(2, history)).isEqualTo(WalArchive.PutResult.ALREADY_PRESENT);
    assertThatThrownBy(() -> wal.putHistory(2, new byte[] {1}))
        .hasFieldOrPropertyWithValue("code", "wal.segment_conflict");

    assertThat(wal.listTimelines()).containsExactly(1L, 2L);
    assertThat(wal.listSegments(1)).extracting(WalEntry::name).containsExactly(SEG3, SEG4);
    assertThat(wal.listSegments(2)).extracting(WalEntry::partial).containsExactly(false, true);
    assertThat(wal.listHistories()).containsExactly(2L);
    assertThat(wal.getHistory(2)).hasValueSatisfying(h -> assertThat(h).isEqualTo(history));
    assertThat(wal.getHistory(3)).isEmpty();
    assertThat(store.stat(ObjectKey.of("wal/db1/history/00000002.history"))).isPresent();
    assertThat(repo.listDeployments()).containsExactly(DB1);

    wal.deleteSegment(SEG3);
    assertThat(wal.listSegments(1)).extracting(WalEntry::name).containsExactly(SEG4);
  }

  @Test
  void namesAreValidated() {
    assertThatThrownBy(() -> wal.putSegment("00000001000000000000000g", new byte[1]))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("wal.invalid_name");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).contains("00000001000000000000000g");
            });
    assertThatThrownBy(() -> wal.getSegment("000000000000000000000001"))
        .hasMessageContaining("timeline >= 1");
    assertThatThrownBy(() -> wal.listSegments(0)).hasMessageContaining("timeline 0");
    assertThatThrownBy(() -> Deployment.of("DB1"))
        .hasFieldOrPropertyWithValue("code", "repo.invalid_deployment");
  }

  @Test
  void walObjectsAreSealedAndBoundToTheirName() {
    wal.putSegment(SEG3, "segment three".getBytes(StandardCharsets.US_ASCII));
    ObjectKey three = ObjectKey.of("wal/db1/00000001/" + SEG3);
    ObjectKey four = ObjectKey.of("wal/db1/00000001/" + SEG4);
    // A copy of segment 3's object under segment 4's name does not pass as segment 4.
    store.put(four, store.get(three));
    assertThatThrownBy(() -> wal.getSegment(SEG4))
        .isInstanceOfSatisfying(
            RepositoryCorruptException.class, e -> assertThat(e.object()).isEqualTo(four.value()));
    byte[] damaged = store.get(three);
    damaged[damaged.length - 1] ^= 1;
    store.put(three, damaged);
    assertThatThrownBy(() -> wal.getSegment(SEG3))
        .hasFieldOrPropertyWithValue("code", "repo.corrupt");
  }

  @Test
  void timelinesAreListedOnlyForSegmentObjects() {
    wal.putSegment("000000010000000000000002", new byte[] {1});
    store.put(ObjectKey.of("wal/db1/00000003/notes.txt"), new byte[] {1});
    store.put(ObjectKey.of("wal/db1/00000000/notes.txt"), new byte[] {1});
    store.put(ObjectKey.of("wal/db1/00000004/000000050000000000000002"), new byte[] {1});

    assertThat(wal.listTimelines()).containsExactly(1L);
  }
}
