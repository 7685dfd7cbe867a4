package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WalSegmentNameTest {
  private static final WalSegmentSize SEG16 = WalSegmentSize.DEFAULT;

  @Test
  void parsesAndFormats() {
    WalSegmentName name = WalSegmentName.parse("000000010000000A000000FF", SEG16);
    assertThat(name.timeline()).isEqualTo(TimelineId.FIRST);
    assertThat(name.segmentNumber()).isEqualTo(0xAFFL);
    assertThat(name.startLsn()).isEqualTo(Lsn.parse("A/FF000000"));
    assertThat(name.endLsn()).isEqualTo(Lsn.parse("B/0"));
    assertThat(name).hasToString("000000010000000A000000FF");
  }

  @Test
  void nextAndPreviousCrossXLogIdBoundary() {
    WalSegmentName name = WalSegmentName.parse("000000010000000A000000FF", SEG16);
    assertThat(name.next()).hasToString("000000010000000B00000000");
    assertThat(name.next().previous()).isEqualTo(name);
    assertThatThrownBy(() -> WalSegmentName.of(TimelineId.FIRST, 0, SEG16).previous())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("000000010000000000000000");
  }

  @Test
  void fromLsn() {
    WalSegmentName name =
        WalSegmentName.of(TimelineId.of(2), Lsn.parse("0/3000148"), WalSegmentSize.DEFAULT);
    assertThat(name).hasToString("000000020000000000000003");
    assertThat(name.contains(Lsn.parse("0/3FFFFFF"))).isTrue();
    assertThat(name.contains(Lsn.parse("0/4000000"))).isFalse();
  }

  @Test
  void aRangeNeedsTheSegmentsOfItsBytes() {
    Lsn start = Lsn.parse("0/2000028");
    assertThat(WalSegmentName.covering(TimelineId.FIRST, start, Lsn.parse("0/2000100"), SEG16))
        .extracting(WalSegmentName::toString)
        .containsExactly("000000010000000000000002");
    // An end exactly at a segment boundary needs nothing of the next segment.
    assertThat(WalSegmentName.covering(TimelineId.FIRST, start, Lsn.parse("0/4000000"), SEG16))
        .extracting(WalSegmentName::toString)
        .containsExactly("000000010000000000000002", "000000010000000000000003");
    assertThat(WalSegmentName.covering(TimelineId.FIRST, start, start, SEG16))
        .extracting(WalSegmentName::toString)
        .containsExactly("000000010000000000000002");
    // 16 MiB segments: 256 per "xlogid"; 1 GiB segments: 4.
    assertThat(WalSegmentName.of(TimelineId.of(3), 0x1FF, SEG16))
        .hasToString("0000000300000001000000FF");
    assertThat(WalSegmentName.of(TimelineId.FIRST, 5, WalSegmentSize.ofBytes(1L << 30)))
        .hasToString("000000010000000100000001");
  }

  @Test
  void otherSegmentSizes() {
    WalSegmentSize seg64 = WalSegmentSize.ofBytes(64L << 20);
    WalSegmentName name = WalSegmentName.of(TimelineId.FIRST, Lsn.parse("1/C0000000"), seg64);
    assertThat(name).hasToString("000000010000000100000030");
    assertThat(WalSegmentName.parse("000000010000000100000030", seg64)).isEqualTo(name);
    assertThatThrownBy(() -> WalSegmentName.parse("000000010000000100000040", seg64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("000000010000000100000040");
    assertThatThrownBy(() -> WalSegmentSize.ofBytes(3 << 20))
        .hasMessageContaining(String.valueOf(3 << 20));
  }

  @Test
  void rejectsBadNames() {
    for (String bad :
        new String[] {
          "",
          "000000010000000A000000F",
          "000000010000000a000000ff",
          "00000000000000010000000A",
          "00000001000000010000000Z"
        }) {
      assertThatThrownBy(() -> WalSegmentName.parse(bad, SEG16))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void historyFileNames() {
    assertThat(WalSegmentName.historyFileName(TimelineId.of(2))).isEqualTo("00000002.history");
    assertThat(TimelineId.parseHistoryFileName("0000000A.history")).isEqualTo(TimelineId.of(10));
    assertThat(TimelineId.isHistoryFileName("00000000.history")).isFalse();
    assertThat(TimelineId.isHistoryFileName("00000001.history")).isTrue();
    assertThatThrownBy(() -> TimelineId.parseHistoryFileName("2.history"))
        .hasMessageContaining("'2.history'");
  }

  @Test
  void timelineIds() {
    assertThat(TimelineId.of(0xFFFFFFFFL).toHex()).isEqualTo("FFFFFFFF");
    assertThat(TimelineId.parseDecimal("4294967295").value()).isEqualTo(0xFFFFFFFFL);
    assertThatThrownBy(() -> TimelineId.of(0)).hasMessageContaining("invalid timeline 0");
    assertThatThrownBy(() -> TimelineId.of(1L << 32)).hasMessageContaining("4294967296");
    assertThatThrownBy(() -> TimelineId.of(0xFFFFFFFFL).next())
        .isInstanceOf(ArithmeticException.class);
    assertThat(TimelineId.of(7).next()).isEqualTo(TimelineId.of(8));
    assertThatThrownBy(() -> TimelineId.parseHex("xyz")).hasMessageContaining("'xyz'");
  }

  @Test
  void systemIdentifiers() {
    SystemIdentifier id = SystemIdentifier.parse("18446744073709551615");
    assertThat(id.value()).isEqualTo(-1L);
    assertThat(id).hasToString("18446744073709551615");
    assertThat(SystemIdentifier.parse("7312345678901234567"))
        .isEqualTo(SystemIdentifier.of(7312345678901234567L));
    assertThatThrownBy(() -> SystemIdentifier.parse("18446744073709551616"))
        .hasMessageContaining("18446744073709551616");
    assertThatThrownBy(() -> SystemIdentifier.parse("-1")).hasMessageContaining("'-1'");
  }
}
