package org.pghardstorage.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The header of an {@code INCREMENTAL.*} file as PostgreSQL 17's {@code basebackup.c} writes it,
 * and every malformed shape, which must be refused with the offending value.
 */
class IncrementalFileTest {
  static final int BLCKSZ = 8192;
  static final int RELSEG = 131072;
  private static final String PATH = "base/5/INCREMENTAL.16384";

  /** An incremental file: header, padding when there are blocks, then one block per number. */
  static byte[] incremental(ByteOrder order, int truncation, int... blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(12 + 4 * blocks.length).order(order);
    h.putInt(IncrementalFile.MAGIC).putInt(blocks.length).putInt(truncation);
    for (int b : blocks) {
      h.putInt(b);
    }
    out.writeBytes(h.array());
    if (blocks.length > 0) {
      int header = 12 + 4 * blocks.length;
      out.writeBytes(new byte[(BLCKSZ - header % BLCKSZ) % BLCKSZ]);
    }
    for (int b : blocks) {
      out.writeBytes(block(b));
    }
    return out.toByteArray();
  }

  static byte[] incremental(int truncation, int... blocks) {
    return incremental(ByteOrder.LITTLE_ENDIAN, truncation, blocks);
  }

  /** The content the incremental file carries for block {@code b}. */
  static byte[] block(int b) {
    byte[] page = new byte[BLCKSZ];
    for (int i = 0; i < BLCKSZ; i++) {
      page[i] = (byte) (b * 31 + i % 251 + 7);
    }
    return page;
  }

  private static IncrementalFile read(byte[] file) throws IOException {
    return IncrementalFile.readHeader(
        new ByteArrayInputStream(file), file.length, BLCKSZ, RELSEG, PATH);
  }

  @Test
  void aFileWithoutBlocksIsTwelveBytesAndNeedsThePreviousVersion() throws IOException {
    byte[] file = incremental(5);
    assertThat(file).hasSize(12);
    IncrementalFile h = read(file);
    assertThat(h.blocks()).isEmpty();
    assertThat(h.truncationBlockLength()).isEqualTo(5);
    assertThat(h.headerLength()).isEqualTo(12);
    assertThat(h.reconstructedBlocks()).isEqualTo(5);
    assertThat(h.needsPreviousBlocks()).isTrue();
  }

  @Test
  void blocksFollowAHeaderPaddedToTheBlockSize() throws IOException {
    byte[] file = incremental(6, 1, 4, 7);
    InputStream in = new ByteArrayInputStream(file);
    IncrementalFile h = IncrementalFile.readHeader(in, file.length, BLCKSZ, RELSEG, PATH);
    assertThat(h.blocks()).containsExactly(1, 4, 7);
    assertThat(h.headerLength()).isEqualTo(BLCKSZ);
    assertThat(h.reconstructedBlocks()).as("extended to cover block 7").isEqualTo(8);
    assertThat(in.readNBytes(BLCKSZ)).as("left at the first block").isEqualTo(block(1));
  }

  @Test
  void aFileHoldingEveryBlockBelowItsTruncationLengthNeedsNoPreviousVersion() throws IOException {
    assertThat(read(incremental(3, 0, 1, 2)).needsPreviousBlocks()).isFalse();
    assertThat(read(incremental(0)).needsPreviousBlocks()).isFalse();
    assertThat(read(incremental(3, 0, 2, 5)).needsPreviousBlocks()).isTrue();
  }

  @Test
  void aBigEndianServersFileIsReadInItsOrder() throws IOException {
    IncrementalFile h = read(incremental(ByteOrder.BIG_ENDIAN, 9, 3));
    assertThat(h.truncationBlockLength()).isEqualTo(9);
    assertThat(h.blocks()).containsExactly(3);
  }

  @Test
  void aHeaderOfManyBlocksSpansSeveralPages() throws IOException {
    int[] blocks = new int[3000];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = 2 * i;
    }
    IncrementalFile h = read(incremental(6000, blocks));
    assertThat(h.headerLength()).isEqualTo(2 * BLCKSZ);
    assertThat(h.blocks()).hasSize(3000);
  }

  @Test
  void aWrongMagicNumberIsRefused() {
    byte[] file = incremental(5);
    file[0] ^= 1;
    refused(file).hasMessageContaining("bad magic number 0xd3ae1f0c");
  }

  @Test
  void aFileEndingInsideItsHeaderIsRefused() {
    byte[] file = java.util.Arrays.copyOf(incremental(5), 7);
    refused(file).hasMessageContaining("ends inside its 12-byte header");
  }

  @Test
  void aBlockCountOverTheSegmentSizeIsRefused() {
    byte[] file = incremental(5);
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(4, RELSEG + 1);
    refused(file).hasMessageContaining("block count 131073 exceeds the segment size of 131072");
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1);
    refused(file).hasMessageContaining("block count 4294967295");
  }

  @Test
  void aTruncationLengthOverTheSegmentSizeIsRefused() {
    refused(incremental(RELSEG + 1))
        .hasMessageContaining("truncation block length 131073 exceeds the segment size");
  }

  @Test
  void aBlockNumberAtOrOverTheSegmentSizeIsRefused() {
    refused(incremental(5, 1, RELSEG))
        .hasMessageContaining("block number 131072 is not below the segment size of 131072");
  }

  @Test
  void blockNumbersOutOfOrderOrRepeatedAreRefused() {
    refused(incremental(9, 4, 2)).hasMessageContaining("block number 2 follows 4");
    refused(incremental(9, 3, 3)).hasMessageContaining("block number 3 follows 3");
  }

  @Test
  void aSizeThatDisagreesWithTheHeaderIsRefused() {
    byte[] file = incremental(9, 3);
    byte[] longer = java.util.Arrays.copyOf(file, file.length + 1);
    refused(longer)
        .hasMessageContaining("it is 16385 bytes but a header of 1 blocks makes it 16384");
    byte[] shorter = java.util.Arrays.copyOf(file, file.length - BLCKSZ);
    refused(shorter).hasMessageContaining("it is 8192 bytes");
    refused(java.util.Arrays.copyOf(incremental(9), 13)).hasMessageContaining("makes it 12");
  }

  @Test
  void aFileEndingInsideItsBlockNumbersIsRefused() throws IOException {
    byte[] file = incremental(9, 3, 4);
    // the stream ends early although the member claims its full size
    assertThatThrownBy(
            () ->
                IncrementalFile.readHeader(
                    new ByteArrayInputStream(file, 0, 16), file.length, BLCKSZ, RELSEG, PATH))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("ends inside its block numbers");
  }

  @Test
  void nonZeroHeaderPaddingIsRefused() {
    byte[] file = incremental(9, 3);
    file[100] = 1;
    refused(file).hasMessageContaining("byte 100 of the header padding is not zero");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] file) {
    return assertThatThrownBy(() -> read(file))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining(PATH)
        .satisfies(
            e ->
                assertThat(((HardstorageException) e).code())
                    .isEqualTo("backup.incremental_invalid"));
  }

  @Test
  void aPreviousVersionShorterThanItsManifestStatesIsCorruptNotZeroes() throws IOException {
    // The header wants blocks 0-2 from the previous version, whose manifest says 3 blocks; the
    // bytes read back end after one. Zero pages (what PostgreSQL's truncation means) must not
    // stand in for bytes the repository lost.
    byte[] file = incremental(3);
    IncrementalFile h = read(file);
    ReconstructedFile rebuilt =
        new ReconstructedFile(
            h,
            new ByteArrayInputStream(new byte[0]),
            new ByteArrayInputStream(block(0)),
            3L * BLCKSZ,
            BLCKSZ,
            "base/5/16384",
            "backup db1/previous");
    assertThatThrownBy(rebuilt::readAllBytes)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("repo.corrupt");
              assertThat(e.getMessage()).contains("shorter than its manifest states");
            });
  }
}
