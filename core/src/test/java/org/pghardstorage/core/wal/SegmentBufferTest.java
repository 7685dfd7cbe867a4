package org.pghardstorage.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.SIZE;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;

/** The segment being received: contiguous bytes from its first one, never a hole. */
class SegmentBufferTest {
  private static final WalSegmentName SEG = WalSegmentName.of(TimelineId.FIRST, 2, SIZE);
  private static final int SEGMENT = (int) SIZE.bytes();

  @Test
  void takesWhatFitsAndLeavesTheRestForTheNextSegment() {
    SegmentBuffer b = new SegmentBuffer(SEG);
    ByteBuffer payload = ByteBuffer.wrap(wal(lsn(2, 0x80000), SEGMENT));
    b.append(lsn(2, 0), ByteBuffer.wrap(wal(lsn(2, 0), 0x80000)));

    int n = b.append(lsn(2, 0x80000), payload);

    assertThat(n).isEqualTo(0x80000);
    assertThat(payload.remaining()).isEqualTo(SEGMENT - 0x80000);
    assertThat(b.isComplete()).isTrue();
    assertThat(b.end()).isEqualTo(lsn(3, 0));
    assertThat(b.content()).isEqualTo(wal(lsn(2, 0), SEGMENT));
  }

  @Test
  void aResentRangeInsideWhatIsHeldIsAcceptedAndExtends() {
    SegmentBuffer b = SegmentBuffer.resume(SEG, wal(lsn(2, 0), 0x100));

    b.append(lsn(2, 0x80), ByteBuffer.wrap(wal(lsn(2, 0x80), 0x100)));

    assertThat(b.filled()).isEqualTo(0x180);
    assertThat(b.content()).isEqualTo(wal(lsn(2, 0), 0x180));
  }

  @Test
  void walThatSkipsBytesIsAGap() {
    SegmentBuffer b = SegmentBuffer.resume(SEG, wal(lsn(2, 0), 0x100));

    assertThatThrownBy(() -> b.append(lsn(2, 0x101), ByteBuffer.wrap(new byte[1])))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("wal.gap"))
        .hasMessageContaining(lsn(2, 0x100).toString());
    assertThat(b.filled()).isEqualTo(0x100);
  }

  @Test
  void walBeforeTheSegmentIsAGap() {
    SegmentBuffer b = new SegmentBuffer(SEG);

    assertThatThrownBy(() -> b.append(lsn(1, SEGMENT - 1), ByteBuffer.wrap(new byte[2])))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("wal.gap"));
    assertThat(b.filled()).isZero();
  }

  @Test
  void aStoredPartialLongerThanASegmentIsRefused() {
    assertThatThrownBy(() -> SegmentBuffer.resume(SEG, new byte[SEGMENT + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SEG.toString());
  }
}
