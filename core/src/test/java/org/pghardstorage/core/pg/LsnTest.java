package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {
  private static final WalSegmentSize SEG16 = WalSegmentSize.DEFAULT;

  @Test
  void parsesPaddedAndUnpaddedForms() {
    assertThat(Lsn.parse("0/100A2B8")).isEqualTo(Lsn.parse("0/0100A2B8"));
    assertThat(Lsn.parse("16/B374D848").value()).isEqualTo(0x16B374D848L);
    assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").value()).isEqualTo(-1L);
    assertThat(Lsn.parse("0/0")).isSameAs(Lsn.INVALID);
    assertThat(Lsn.parse("a/b").value()).isEqualTo(0xA0000000BL);
  }

  @Test
  void formatsWithPaddedLowHalf() {
    assertThat(Lsn.of(0x16B374D848L)).hasToString("16/B374D848");
    assertThat(Lsn.of(0x100A2B8L)).hasToString("0/0100A2B8");
    assertThat(Lsn.of(-1L)).hasToString("FFFFFFFF/FFFFFFFF");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "0/",
        "/0",
        "0/0/0",
        "123456789/0",
        "0/123456789",
        "g/0",
        "-1/0",
        "0/+1",
        "00"
      })
  void rejectsBadTextEchoingIt(String bad) {
    assertThatThrownBy(() -> Lsn.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + bad + "'");
  }

  @Test
  void strictParsingTakesOnlyWhatPostgresqlWrites() {
    assertThat(Lsn.parseStrict("16/B374D848").value()).isEqualTo(0x16B374D848L);
    assertThat(Lsn.parseStrict("0/2000028")).isEqualTo(Lsn.parseStrict("0/02000028"));
    for (String bad : new String[] {"a/b", "0/2000028 ", "", "zz"}) {
      assertThatThrownBy(() -> Lsn.parseStrict(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> Lsn.parseStrict(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'null'");
  }

  @Test
  void comparesUnsigned() {
    assertThat(Lsn.of(-1L)).isGreaterThan(Lsn.of(1));
    assertThat(Lsn.of(5).isAfter(Lsn.of(4))).isTrue();
    assertThat(Lsn.of(4).isBefore(Lsn.of(5))).isTrue();
  }

  @Test
  void arithmetic() {
    assertThat(Lsn.parse("0/FFFFFFFF").plus(1)).isEqualTo(Lsn.parse("1/0"));
    assertThat(Lsn.parse("1/0").plus(-1)).isEqualTo(Lsn.parse("0/FFFFFFFF"));
    assertThat(Lsn.parse("1/10").minus(Lsn.parse("1/0"))).isEqualTo(16);
    assertThat(Lsn.parse("1/0").minus(Lsn.parse("1/10"))).isEqualTo(-16);
    assertThatThrownBy(() -> Lsn.of(-1L).plus(1)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Lsn.of(0).plus(-1)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Lsn.of(-1L).minus(Lsn.of(0))).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void segmentArithmetic() {
    Lsn lsn = Lsn.parse("A/FF123456");
    assertThat(lsn.segmentNumber(SEG16)).isEqualTo(0xAFFL);
    assertThat(lsn.segmentOffset(SEG16)).isEqualTo(0x123456L);
    assertThat(lsn.segmentStart(SEG16)).isEqualTo(Lsn.parse("A/FF000000"));
    assertThat(lsn.isSegmentStart(SEG16)).isFalse();
    assertThat(Lsn.parse("A/FF000000").isSegmentStart(SEG16)).isTrue();
    WalSegmentSize seg1g = WalSegmentSize.ofBytes(1L << 30);
    assertThat(lsn.segmentNumber(seg1g)).isEqualTo(0xA * 4 + 3);
  }
}
