package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;

import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Each kind of object is compressed at its own level of {@code config} (format spec §4, §6, §13):
 * WAL at {@code compression.wal_level}, data chunks at {@code compression.level}. zstd's output is
 * a deterministic function of input and level, and an unencrypted blob keeps its zstd frame in
 * clear, so the frame each level makes of the same bytes is found, or not, in what was stored.
 */
class CompressionLevelsTest {
  private static final int DATA_LEVEL = 19;
  private static final int WAL_LEVEL = -5;
  private static final String SEGMENT = "000000010000000000000001";

  private final MemoryObjectStore store = new MemoryObjectStore("levels");

  /** Text-like rows below the smallest chunk size, so that the file is one chunk. */
  private static final byte[] CONTENT = rows(7000);

  @Test
  void theLevelsDifferOnThisContent() {
    // Without this, the tests below could not tell the levels apart.
    assertThat(frame(DATA_LEVEL)).isNotEqualTo(frame(WAL_LEVEL));
  }

  @Test
  void walIsWrittenAtTheWalLevel() {
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      repo.wal(DB1).putSegment(SEGMENT, CONTENT);
    }
    byte[] stored = store.get(walObject());
    assertThat(contains(stored, frame(WAL_LEVEL))).as("frame at wal_level").isTrue();
    assertThat(contains(stored, frame(DATA_LEVEL))).as("frame at level").isFalse();
  }

  @Test
  void partialWalIsWrittenAtTheWalLevel() {
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      repo.wal(DB1).putPartial(SEGMENT, CONTENT);
      byte[] stored = store.get(repo.wal(DB1).objectKey(SEGMENT, true));
      assertThat(contains(stored, frame(WAL_LEVEL))).as("frame at wal_level").isTrue();
      assertThat(contains(stored, frame(DATA_LEVEL))).as("frame at level").isFalse();
    }
  }

  @Test
  void dataChunksAreWrittenAtTheDataLevel() {
    try (Repository repo = Repository.init(store, options(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, RepoFixtures.id(1), CONTENT);
    }
    byte[] packs = new byte[0];
    for (ObjectInfo info : store.list("data/")) {
      byte[] pack = store.get(info.key());
      byte[] joined = new byte[packs.length + pack.length];
      System.arraycopy(packs, 0, joined, 0, packs.length);
      System.arraycopy(pack, 0, joined, packs.length, pack.length);
      packs = joined;
    }
    assertThat(contains(packs, frame(DATA_LEVEL))).as("frame at level").isTrue();
    assertThat(contains(packs, frame(WAL_LEVEL))).as("frame at wal_level").isFalse();
  }

  @Test
  void reopenedRepositoryKeepsWritingWalAtItsWalLevel() {
    Repository.init(store, options(), RepoFixtures.open()).close();
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.config().walCompressionLevel()).isEqualTo(WAL_LEVEL);
      repo.wal(DB1).putSegment(SEGMENT, CONTENT);
      assertThat(repo.wal(DB1).getSegment(SEGMENT).orElseThrow().content()).isEqualTo(CONTENT);
    }
    assertThat(contains(store.get(walObject()), frame(WAL_LEVEL))).isTrue();
  }

  private static RepositoryOptions options() {
    return RepoFixtures.small().withCompressionLevel(DATA_LEVEL).withWalCompressionLevel(WAL_LEVEL);
  }

  private org.pghardstorage.core.storage.ObjectKey walObject() {
    return store.list("wal/").stream()
        .map(ObjectInfo::key)
        .filter(k -> k.value().endsWith(SEGMENT))
        .findFirst()
        .orElseThrow();
  }

  private static byte[] frame(int level) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(level);
      return ctx.compress(CONTENT);
    }
  }

  private static byte[] rows(int bytes) {
    Random random = new Random(12);
    StringBuilder text = new StringBuilder();
    while (text.length() < bytes) {
      text.append("order ")
          .append(random.nextInt(100_000))
          .append(" customer ")
          .append(random.nextInt(500))
          .append(" amount ")
          .append(random.nextInt(5000))
          .append('.')
          .append(random.nextInt(100))
          .append(random.nextBoolean() ? " shipped\n" : " pending\n");
    }
    return text.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
