package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.PG_MANIFEST;
import static org.pghardstorage.core.repo.RepoFixtures.id;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.ManifestJson;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Cutting a file at the previous backup's boundaries (format spec §5.1), on synthetic relation
 * files of random pages with the default chunker (64 KiB / 256 KiB / 1 MiB), through a real
 * repository in memory: what is stored, and that every backup reads back byte for byte.
 */
class BoundaryReuseTest {
  private static final int PAGE = ChunkerParams.PAGE_SIZE;
  private static final String PATH = "base/5/16384";

  private final MemoryObjectStore store = new MemoryObjectStore("boundary-reuse-test");

  private static RepositoryOptions options() {
    return RepositoryOptions.defaults().withPackTargetSize(1 << 20);
  }

  @Test
  void onePercentOfPagesChangedStoresAboutOnePercent() {
    byte[] v1 = randomPages(1, 4096); // 32 MiB
    byte[] v2 = changeEvery(v1, 100, 2);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, chunksOf(first), v2);

      long changed = (4096 + 99) / 100 * (long) PAGE;
      assertThat(second.stats().bytesNew())
          .as("new bytes after %d changed pages", changed / PAGE)
          .isEqualTo(changed)
          .isLessThanOrEqualTo(v2.length * 3L / 100);
      RepoFixtures.assertRestorable(repo, second, v2);
      RepoFixtures.assertRestorable(repo, first, v1);
      assertCrc(second, v2);
    }
  }

  @Test
  void cuttingByContentAloneStoresFarMoreForTheSameChange() {
    // The baseline the rule improves on: without the previous layout, a 256 KiB chunk is stored
    // again for every changed 8 KiB page in it (≈ 1 - 0.99^32 of the file).
    byte[] v1 = randomPages(1, 4096);
    byte[] v2 = changeEvery(v1, 100, 2);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, List.of(), v2);
      assertThat(second.stats().bytesNew()).isGreaterThan(v2.length / 10L);
    }
  }

  @Test
  void anUnchangedFileReusesEveryRef() {
    byte[] v1 = randomPages(3, 600);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, chunksOf(first), v1);
      assertThat(second.stats().bytesNew()).isZero();
      assertThat(chunksOf(second)).isEqualTo(chunksOf(first));
    }
  }

  @Test
  void changedPagesBecomeSlicesOfAPatchAndTheRestSlicesOfTheStoredChunks() {
    byte[] v1 = randomPages(4, 512);
    byte[] v2 = changeEvery(v1, 50, 7);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, chunksOf(first), v2);
      List<ChunkRef> refs = chunksOf(second);
      assertThat(refs).anyMatch(r -> r.slice() != null);
      // The whole file's changed pages fit one patch chunk: stored once, sliced per page.
      assertThat(second.stats().chunksNew()).isEqualTo(1);
      assertThat(ManifestJson.write(second)).asString().contains("pg_hardstorage.backup.v2");
      for (ChunkRef r : refs) {
        assertThat(r.length() % PAGE).isZero();
      }
    }
    try (Repository reopened = Repository.open(store, RepoFixtures.open())) {
      BackupManifest read = reopened.readManifest(DB1, id(2)).orElseThrow();
      RepoFixtures.assertRestorable(reopened, read, v2);
    }
  }

  @Test
  void aThirdBackupReusesTheSlicesOfTheSecond() {
    byte[] v1 = randomPages(5, 1024);
    byte[] v2 = changeEvery(v1, 100, 11);
    byte[] v3 = changeEvery(v2, 100, 61);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, chunksOf(first), v2);
      BackupManifest third = backup(repo, 3, chunksOf(second), v3);
      assertThat(third.stats().bytesNew()).isEqualTo(10L * PAGE); // pages 61, 161, … 961
      RepoFixtures.assertRestorable(repo, third, v3);
      RepoFixtures.assertRestorable(repo, second, v2);
    }
  }

  @Test
  void aFileThatGrewOrShrankIsCutRight() {
    byte[] v1 = randomPages(6, 300);
    byte[] grown = concat(changeEvery(v1, 100, 5), randomPages(7, 90));
    byte[] shrunk = Arrays.copyOf(v1, 170 * PAGE + 100);
    byte[] truncatedMidPage = Arrays.copyOf(v1, 1000);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      List<ChunkRef> layout = chunksOf(first);
      BackupManifest g = backup(repo, 2, layout, grown);
      RepoFixtures.assertRestorable(repo, g, grown);
      assertThat(g.stats().bytesNew()).isLessThan(3L * PAGE + 90L * PAGE + 1);
      BackupManifest s = backup(repo, 3, layout, shrunk);
      RepoFixtures.assertRestorable(repo, s, shrunk);
      BackupManifest t = backup(repo, 4, layout, truncatedMidPage);
      RepoFixtures.assertRestorable(repo, t, truncatedMidPage);
      BackupManifest e = backup(repo, 5, layout, new byte[0]);
      assertThat(chunksOf(e)).isEmpty();
    }
  }

  @Test
  void aFileWhosePreviousEndWasNotOnAPageResumesOnAPage() {
    byte[] v1 = Arrays.copyOf(randomPages(8, 40), 40 * PAGE - 1000);
    byte[] v2 = concat(Arrays.copyOf(v1, v1.length), randomPages(9, 40));
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, chunksOf(first), v2);
      RepoFixtures.assertRestorable(repo, second, v2);
      List<ChunkRef> refs = chunksOf(second);
      for (int i = 0; i < refs.size() - 1; i++) {
        assertThat(refs.get(i).length() % PAGE).as("ref %d", i).isZero();
      }
    }
  }

  @Test
  void aLayoutThatDoesNotMatchTheRepositoryIsNeverReused() {
    byte[] v1 = randomPages(10, 200);
    byte[] v2 = changeEvery(v1, 20, 3);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      List<ChunkRef> good = chunksOf(first);
      ChunkId unknown = ChunkId.parse("ab".repeat(32));
      List<ChunkRef> forged = new ArrayList<>();
      for (int i = 0; i < good.size(); i++) {
        ChunkRef r = good.get(i);
        forged.add(
            switch (i % 3) {
              // a chunk the index does not hold
              case 0 -> new ChunkRef(unknown, r.rawLength());
              // a slice whose id is not that of its bytes: the reader refuses it
              case 1 ->
                  r.rawLength() > PAGE
                      ? ChunkRef.slice(r.id(), r.rawLength(), PAGE, r.rawLength() - PAGE, unknown)
                      : r;
              default -> r;
            });
      }
      BackupManifest second = backup(repo, 2, forged, v2);
      RepoFixtures.assertRestorable(repo, second, v2);
      assertCrc(second, v2);
      BackupManifest third = backup(repo, 3, List.of(new ChunkRef(unknown, 4 * PAGE)), v2);
      RepoFixtures.assertRestorable(repo, third, v2);
    }
  }

  @Test
  void repeatedChangesCutAFragmentedStretchAnew() {
    // Each backup changes a different 4 % of pages; without re-cutting, refs would grow by about
    // two per changed page and backup (to ≈ 1,000 here). Fragmented groups are cut anew.
    byte[] data = randomPages(12, 512);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      List<ChunkRef> layout = chunksOf(backup(repo, 1, List.of(), data));
      int maxRefs = 0;
      for (int round = 0; round < 24; round++) {
        data = changeEvery(data, 25, 1 + round * 3);
        BackupManifest m = backup(repo, 2 + round, layout, data);
        RepoFixtures.assertRestorable(repo, m, data);
        layout = chunksOf(m);
        maxRefs = Math.max(maxRefs, layout.size());
      }
      // 4 MiB in groups of >= 256 KiB: 16 groups of at most MAX_REFS_PER_GROUP refs each, plus
      // what one backup adds (about two per changed page: 21 pages).
      assertThat(maxRefs).isLessThanOrEqualTo(16 * FileCutter.MAX_REFS_PER_GROUP + 2 * 21 + 8);
    }
  }

  @Test
  void aFragmentedStretchIsReusedAsItIsUntilAChangeTouchesIt() {
    // Every third page changes: each range keeps two thirds of its pages as slices, about 21 refs
    // per 32 pages. The next backup of the same bytes must store nothing, as for any unchanged
    // file; the stretch is cut anew only when a later change touches it.
    byte[] v1 = randomPages(16, 512);
    byte[] v2 = changeEvery(v1, 3, 1);
    int groupBytes = ChunkerParams.DEFAULT.avgSize();
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      BackupManifest second = backup(repo, 2, chunksOf(first), v2);
      assertThat(FileCutter.groups(chunksOf(second), groupBytes))
          .as("the second backup's layout is fragmented")
          .anyMatch(g -> g.size() > FileCutter.MAX_REFS_PER_GROUP);

      BackupManifest third = backup(repo, 3, chunksOf(second), v2);
      assertThat(third.stats().bytesNew()).isZero();
      assertThat(chunksOf(third)).isEqualTo(chunksOf(second));

      byte[] v3 = v2.clone();
      changePages(v3, 0, 2, 3); // page 2: in the first group, which is fragmented
      BackupManifest fourth = backup(repo, 4, chunksOf(third), v3);
      List<List<ChunkRef>> before = FileCutter.groups(chunksOf(third), groupBytes);
      assertThat(before.get(0)).hasSizeGreaterThan(FileCutter.MAX_REFS_PER_GROUP);
      int firstGroupBytes = before.get(0).stream().mapToInt(ChunkRef::length).sum();
      assertThat(fourth.stats().bytesNew())
          .as("only the touched stretch is cut anew")
          .isPositive()
          .isLessThanOrEqualTo(firstGroupBytes);
      assertThat(chunksOf(fourth).size()).isLessThan(chunksOf(third).size());
      RepoFixtures.assertRestorable(repo, fourth, v3);
      RepoFixtures.assertRestorable(repo, third, v2);
    }
  }

  @Test
  void aFragmentedStretchIsNeverReusedOnAForgedOrUnusableRef() {
    // The fragmented group's refs hash right but one of them names a chunk the index does not hold,
    // or a chunk that is sparse: the stretch is cut anew, and nothing names the unusable chunk.
    byte[] v1 = randomPages(17, 512);
    byte[] v2 = changeEvery(v1, 3, 1);
    int groupBytes = ChunkerParams.DEFAULT.avgSize();
    ChunkId unknown = ChunkId.parse("ab".repeat(32));
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      List<ChunkRef> layout = chunksOf(backup(repo, 2, chunksOf(first), v2));
      List<ChunkRef> group = FileCutter.groups(layout, groupBytes).get(0);
      assertThat(group).hasSizeGreaterThan(FileCutter.MAX_REFS_PER_GROUP);
      int at = layout.indexOf(group.stream().filter(r -> r.slice() != null).findFirst().get());
      ChunkRef real = layout.get(at);

      List<ChunkRef> forged = new ArrayList<>(layout);
      forged.set(
          at,
          ChunkRef.slice(
              unknown, real.rawLength(), real.offset(), real.length(), real.contentId()));
      BackupManifest third = backup(repo, 3, forged, v2);
      assertThat(ids(third)).doesNotContain(unknown);
      assertThat(third.stats().bytesNew()).isPositive();
      RepoFixtures.assertRestorable(repo, third, v2);

      BackupManifest fourth =
          backup(repo, 4, new PreviousFiles.Layout(layout, Set.of(real.id())), v2);
      assertThat(chunksOf(fourth)).noneMatch(r -> r.id().equals(real.id()));
      RepoFixtures.assertRestorable(repo, fourth, v2);
    }
  }

  @Test
  void aRangeWithLessThanHalfItsPagesUnchangedIsStoredWhole() {
    // The first 70 % of every chunk changes. Slicing the 30 % left would keep every chunk of
    // backup 1 alive for a third of its bytes (GC frees whole packs only): they are stored anew.
    byte[] v1 = randomPages(14, 1024);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      byte[] v2 = v1.clone();
      long offset = 0;
      for (ChunkRef r : chunksOf(first)) {
        changePages(v2, offset, 0, r.length() / PAGE * 7 / 10);
        offset += r.length();
      }
      BackupManifest second = backup(repo, 2, chunksOf(first), v2);
      assertThat(second.stats().bytesNew()).isEqualTo(v2.length);
      assertThat(ids(second)).doesNotContainAnyElementsOf(ids(first));
      RepoFixtures.assertRestorable(repo, second, v2);
    }
  }

  @Test
  void aChunkTheLastBackupUsesLessThanHalfOfIsStoredAnewAndLetGo() {
    // Backup 2 changes the first 40 % of every chunk and slices the other 60 %; backup 3 changes
    // the first 40 % of each such slice, keeping 36 % of every chunk of backup 1 in slices, each
    // range more than half unchanged. Backup 4 stores those 36 % anew rather than pin the chunks.
    byte[] v1 = randomPages(14, 1024);
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      BackupManifest first = backup(repo, 1, List.of(), v1);
      byte[] v2 = v1.clone();
      long kept = 0;
      long offset = 0;
      List<long[]> later = new ArrayList<>();
      for (ChunkRef r : chunksOf(first)) {
        int n = r.length() / PAGE;
        int a = n * 4 / 10;
        int b = (n - a) * 4 / 10;
        changePages(v2, offset, 0, a);
        later.add(new long[] {offset, a, a + b});
        kept += (long) (n - a - b) * PAGE;
        offset += r.length();
      }
      byte[] v3 = v2.clone();
      for (long[] l : later) {
        changePages(v3, l[0], (int) l[1], (int) l[2]);
      }
      BackupManifest second = backup(repo, 2, PreviousFiles.of(first).layout(0, PATH), v2);
      assertThat(PreviousFiles.sparseChunks(second)).isEmpty();
      BackupManifest third = backup(repo, 3, PreviousFiles.of(second).layout(0, PATH), v3);
      Set<ChunkId> firsts = ids(first);
      assertThat(ids(third)).containsAll(firsts);
      assertThat(PreviousFiles.sparseChunks(third)).containsExactlyInAnyOrderElementsOf(firsts);

      // the rule at work: with the sparse chunks known, their kept bytes are stored again …
      BackupManifest fourth = backup(repo, 4, PreviousFiles.of(third).layout(0, PATH), v3);
      assertThat(fourth.stats().bytesNew()).isEqualTo(kept);
      assertThat(ids(fourth)).doesNotContainAnyElementsOf(firsts);
      RepoFixtures.assertRestorable(repo, fourth, v3);
      // … and the next backup reuses everything: what backup 4 refers to is fully used
      assertThat(PreviousFiles.sparseChunks(fourth)).isEmpty();
      BackupManifest fifth = backup(repo, 5, PreviousFiles.of(fourth).layout(0, PATH), v3);
      assertThat(fifth.stats().bytesNew()).isZero();
      // without the rule (refs only), backup 3's slices would have been reused as they are
      BackupManifest pinned = backup(repo, 6, chunksOf(third), v3);
      assertThat(pinned.stats().bytesNew()).isZero();
      assertThat(ids(pinned)).containsAll(firsts);
    }
  }

  /** Changes pages [from, to) of the stretch starting at byte {@code offset}. */
  private static void changePages(byte[] data, long offset, int from, int to) {
    for (int page = from; page < to; page++) {
      data[(int) offset + page * PAGE + 100] ^= (byte) 0x33;
    }
  }

  @Test
  void sparsenessCountsEveryFileAndOverlapsOnce() {
    ChunkId a = ChunkId.parse("aa".repeat(32));
    ChunkId b = ChunkId.parse("bb".repeat(32));
    ChunkId c = ChunkId.parse("cc".repeat(32));
    ChunkId s = ChunkId.parse("dd".repeat(32));
    int raw = 10 * PAGE;
    // a: two overlapping slices covering 4 of 10 pages in all -> sparse
    // b: slices in two files covering 3 + 3 of 10 pages -> used enough
    // c: a small slice, but also a whole ref elsewhere -> used whole
    List<FileEntry> files =
        List.of(
            entry(
                "f1",
                ChunkRef.slice(a, raw, 0, 3 * PAGE, s),
                ChunkRef.slice(a, raw, PAGE, 3 * PAGE, s),
                ChunkRef.slice(b, raw, 0, 3 * PAGE, s),
                ChunkRef.slice(c, raw, 0, PAGE, s)),
            entry("f2", ChunkRef.slice(b, raw, 5 * PAGE, 3 * PAGE, s), new ChunkRef(c, raw)));
    BackupManifest m = RepoFixtures.manifest(id(1), files, new WriteStats(2, 0, 0, 0, 0, 0, 0));
    assertThat(PreviousFiles.sparseChunks(m)).containsExactly(a);
  }

  private static FileEntry entry(String path, ChunkRef... refs) {
    long size = Arrays.stream(refs).mapToLong(ChunkRef::length).sum();
    return new FileRef(size, List.of(refs), 0).toEntry(path, 0600, Instant.EPOCH);
  }

  private static Set<ChunkId> ids(BackupManifest m) {
    return chunksOf(m).stream().map(ChunkRef::id).collect(Collectors.toSet());
  }

  @Test
  void layoutsSkipRefsAfterAnUnalignedOne() {
    ChunkId a = ChunkId.parse("aa".repeat(32));
    List<ChunkRef> refs =
        List.of(new ChunkRef(a, 2 * PAGE), new ChunkRef(a, PAGE + 1), new ChunkRef(a, PAGE));
    assertThat(FileCutter.usableLayout(refs)).containsExactly(refs.get(0));
    assertThat(FileCutter.groups(refs, 5 * PAGE)).hasSize(1);
    assertThat(FileCutter.groups(refs, 2 * PAGE)).hasSize(2);
  }

  private BackupManifest backup(Repository repo, int n, List<ChunkRef> previous, byte[] content) {
    return backup(repo, n, PreviousFiles.Layout.of(previous), content);
  }

  private BackupManifest backup(
      Repository repo, int n, PreviousFiles.Layout previous, byte[] content) {
    try (BackupWriter w = repo.newBackup(DB1, id(n))) {
      FileRef ref = w.writeFile(new ByteArrayInputStream(content), previous);
      assertThat(ref.size()).isEqualTo(content.length);
      List<FileEntry> files = List.of(ref.toEntry(PATH, 0600, Instant.EPOCH));
      BackupManifest m = RepoFixtures.manifest(id(n), files, w.stats());
      w.commit(m, PG_MANIFEST);
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ChunkRef> chunksOf(BackupManifest m) {
    return m.archives().get(0).files().get(0).chunks();
  }

  private static void assertCrc(BackupManifest m, byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(content);
    assertThat(m.archives().get(0).files().get(0).checksum()).contains((int) crc.getValue());
  }

  /** Random pages: no compression and no repeated content to hide behind. */
  static byte[] randomPages(long seed, int pages) {
    byte[] out = new byte[pages * PAGE];
    new Random(seed).nextBytes(out);
    return out;
  }

  /**
   * A copy with every {@code every}-th page, from {@code first}, changed in a few bytes in the
   * middle, as an UPDATE changes a tuple (and the page header's LSN).
   */
  static byte[] changeEvery(byte[] data, int every, int first) {
    byte[] out = data.clone();
    for (int p = first % every; (long) p * PAGE < out.length; p += every) {
      for (int i = 0; i < 24; i++) {
        out[p * PAGE + i] ^= (byte) 0x5a; // header: pd_lsn, checksum, flags
        out[p * PAGE + 4000 + i] ^= (byte) 0xa5; // a tuple
      }
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
