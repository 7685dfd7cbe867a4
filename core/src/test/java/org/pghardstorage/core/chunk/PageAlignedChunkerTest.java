package org.pghardstorage.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageAlignedChunkerTest {
  private static final int PAGE = ChunkerParams.PAGE_SIZE;
  private static final PageAlignedChunker DEFAULT = new PageAlignedChunker(ChunkerParams.DEFAULT);

  /** java.util.Random's algorithm is specified, so this input is the same on every JDK. */
  static byte[] randomBytes(long seed, int length) {
    byte[] data = new byte[length];
    new Random(seed).nextBytes(data);
    return data;
  }

  @Test
  void gearTableIsPinned() {
    // Values computed independently from the spec's derivation (Python hashlib).
    assertThat(GearTable.get(0)).isEqualTo(-9022230253381987597L);
    assertThat(GearTable.get(1)).isEqualTo(3905968725949473045L);
    assertThat(GearTable.get(255)).isEqualTo(4149011667307884439L);
  }

  @Test
  void cutPointsArePinned() {
    // Computed by an independent implementation of spec §5; a change here breaks dedup of every
    // existing repository.
    byte[] data = randomBytes(20261130, 8 * 1024 * 1024 + 1234);
    assertThat(DEFAULT.cutPoints(data))
        .containsExactly(
            270336, 614400, 778240, 1064960, 1236992, 1327104, 1671168, 2048000, 2490368, 2867200,
            3129344, 3432448, 3751936, 4030464, 4325376, 4636672, 4980736, 5193728, 5480448,
            5742592, 6078464, 6406144, 6758400, 7036928, 7299072, 7618560, 7864320, 8134656,
            8389842);
  }

  @Test
  void smallParametersArePinnedToo() {
    byte[] data = Arrays.copyOf(randomBytes(20261130, 8 * 1024 * 1024 + 1234), 1024 * 1024);
    PageAlignedChunker small = new PageAlignedChunker(new ChunkerParams(8192, 32768, 131072));
    assertThat(small.cutPoints(data))
        .containsExactly(
            32768, 49152, 81920, 114688, 147456, 180224, 212992, 245760, 270336, 303104, 335872,
            368640, 401408, 434176, 466944, 491520, 524288, 557056, 589824, 614400, 647168, 679936,
            712704, 745472, 778240, 811008, 819200, 851968, 884736, 917504, 950272, 983040, 1015808,
            1032192, 1048576);
  }

  @Test
  void zeroPagesAreCutDeterministically() {
    assertThat(DEFAULT.cutPoints(new byte[3 * 1024 * 1024]))
        .containsExactly(1048576, 2097152, 3145728);
  }

  @Test
  void everyCutIsPageAlignedAndWithinLimits() {
    byte[] data = randomBytes(7, 16 * 1024 * 1024 + 5000);
    List<Integer> cuts = DEFAULT.cutPoints(data);
    int start = 0;
    for (int i = 0; i < cuts.size(); i++) {
      int end = cuts.get(i);
      int len = end - start;
      if (i < cuts.size() - 1) {
        assertThat(end % PAGE).as("cut %d", end).isZero();
        assertThat(len).isBetween(ChunkerParams.DEFAULT.minSize(), ChunkerParams.DEFAULT.maxSize());
      } else {
        assertThat(end).isEqualTo(data.length);
        assertThat(len).isBetween(1, ChunkerParams.DEFAULT.maxSize());
      }
      start = end;
    }
  }

  @Test
  void oneBufferServesFileAfterFileWithTheSameChunksAsEachWholeFile() throws IOException {
    byte[] buffer = new byte[ChunkStream.bufferSize(ChunkerParams.DEFAULT)];
    // Files of many sizes in turn, so the buffer holds the previous file's bytes; reads of several
    // sizes, so the unread tail is moved to the front at different offsets.
    int[] sizes = {9 * 1024 * 1024 + 8192, 3 * PAGE, 0, 4 * 1024 * 1024, 17, 7 * 1024 * 1024 + 5};
    for (int i = 0; i < sizes.length; i++) {
      byte[] data = randomBytes(100 + i, sizes[i]);
      for (int step : new int[] {32 * 1024, 1_000_003}) {
        ChunkStream stream = DEFAULT.split(new TricklingInputStream(data, step), buffer);
        List<Integer> cuts = new ArrayList<>();
        byte[] joined = new byte[data.length];
        int pos = 0;
        for (var chunk = stream.next(); chunk.isPresent(); chunk = stream.next()) {
          System.arraycopy(chunk.get(), 0, joined, pos, chunk.get().length);
          pos += chunk.get().length;
          cuts.add(pos);
        }
        assertThat(cuts)
            .as("file %d read %d bytes at a time", i, step)
            .isEqualTo(DEFAULT.cutPoints(data));
        assertThat(joined).isEqualTo(data);
      }
    }
  }

  @Test
  void aBufferTooSmallForTheReadAheadIsRefused() {
    byte[] small = new byte[ChunkStream.bufferSize(ChunkerParams.DEFAULT) - 1];
    assertThatThrownBy(() -> DEFAULT.split(InputStream.nullInputStream(), small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(ChunkStream.bufferSize(ChunkerParams.DEFAULT)));
  }

  @Test
  void shortAndEmptyInputs() {
    assertThat(DEFAULT.cutPoints(new byte[0])).isEmpty();
    assertThat(DEFAULT.cutPoints(new byte[1])).containsExactly(1);
    assertThat(DEFAULT.cutPoints(randomBytes(1, 100_000))).containsExactly(100_000);
  }

  @Test
  void streamingGivesTheSameChunksAsWholeArray() throws IOException {
    byte[] data = randomBytes(11, 5 * 1024 * 1024 + 17);
    List<Integer> expected = DEFAULT.cutPoints(data);
    ChunkStream stream = DEFAULT.split(new TricklingInputStream(data, 12345));
    List<Integer> actual = new ArrayList<>();
    byte[] joined = new byte[data.length];
    int pos = 0;
    for (var chunk = stream.next(); chunk.isPresent(); chunk = stream.next()) {
      System.arraycopy(chunk.get(), 0, joined, pos, chunk.get().length);
      pos += chunk.get().length;
      actual.add(pos);
      assertThat(stream.position()).isEqualTo(pos);
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(joined).isEqualTo(data);
  }

  @Test
  void insertingAPageNearTheStartChangesOnlyAFewChunks() {
    byte[] data = randomBytes(21, 16 * 1024 * 1024);
    byte[] page = randomBytes(22, PAGE);
    int at = 3 * PAGE;
    byte[] edited = new byte[data.length + PAGE];
    System.arraycopy(data, 0, edited, 0, at);
    System.arraycopy(page, 0, edited, at, PAGE);
    System.arraycopy(data, at, edited, at + PAGE, data.length - at);

    Set<String> before = chunkSet(data);
    Set<String> after = chunkSet(edited);
    Set<String> changed = new HashSet<>(after);
    changed.removeAll(before);
    assertThat(before).hasSizeGreaterThan(40);
    assertThat(changed).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void modifyingOnePageChangesAboutOneChunk() {
    byte[] data = randomBytes(31, 16 * 1024 * 1024);
    byte[] edited = data.clone();
    int page = 1000;
    for (int i = 100; i < 200; i++) {
      edited[page * PAGE + i] ^= 0x5a;
    }
    Set<String> changed = chunkSet(edited);
    changed.removeAll(chunkSet(data));
    assertThat(changed).hasSizeBetween(1, 2);
  }

  @Test
  void averageChunkSizeIsNearTheTarget() {
    byte[] data = randomBytes(41, 64 * 1024 * 1024);
    int chunks = DEFAULT.cutPoints(data).size();
    double mean = (double) data.length / chunks;
    // Spec §5: ≈ 35.6 pages (285 KiB) expected on random data with the defaults.
    assertThat(mean).isBetween(0.85 * 285 * 1024, 1.15 * 285 * 1024);
  }

  @Test
  void parametersAreValidated() {
    assertThatThrownBy(() -> new ChunkerParams(4096, 262144, 1048576))
        .hasMessageContaining("min_size 4096");
    assertThatThrownBy(() -> new ChunkerParams(65536, 3 * 65536, 1048576))
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> new ChunkerParams(65536, 32768, 1048576))
        .hasMessageContaining("min <= avg <= max");
    assertThatThrownBy(() -> new ChunkerParams(65536, 262144, 8 * 1024 * 1024))
        .hasMessageContaining("larger than the limit");
    assertThat(new ChunkerParams(8192, 8192, 8192)).isNotNull();
  }

  private static final ChunkIdHasher HASHER = new ChunkIdHasher(new byte[32]);

  private static Set<String> chunkSet(byte[] data) {
    Set<String> out = new HashSet<>();
    int start = 0;
    for (int end : DEFAULT.cutPoints(data)) {
      out.add(HASHER.idOf(data, start, end - start).hex());
      start = end;
    }
    return out;
  }

  /** Returns at most {@code step} bytes per read, to exercise refilling. */
  private static final class TricklingInputStream extends InputStream {
    private final byte[] data;
    private final int step;
    private int pos;

    TricklingInputStream(byte[] data, int step) {
      this.data = data;
      this.step = step;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, step), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
