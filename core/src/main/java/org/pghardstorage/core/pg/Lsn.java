package org.pghardstorage.core.pg;

import java.util.Objects;

/**
 * A write-ahead log position (PostgreSQL's {@code XLogRecPtr}): an unsigned 64-bit byte offset into
 * the WAL, written {@code X/Y} with the high and low 32 bits in hexadecimal.
 *
 * <p>PostgreSQL 18 zero-pads the low half ({@code 0/0100A2B8}); older versions do not ({@code
 * 0/100A2B8}). {@link #parse} accepts both, {@link #toString} writes the padded form. Ordering is
 * unsigned.
 */
public final class Lsn implements Comparable<Lsn> {
  /** {@code 0/0}, PostgreSQL's {@code InvalidXLogRecPtr}. */
  public static final Lsn INVALID = new Lsn(0);

  private final long value;

  private Lsn(long value) {
    this.value = value;
  }

  /** The position with this raw (unsigned) 64-bit value. */
  public static Lsn of(long value) {
    return value == 0 ? INVALID : new Lsn(value);
  }

  /**
   * Parses {@code X/Y}, each half one to eight hexadecimal digits.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static Lsn parse(String text) {
    Objects.requireNonNull(text, "lsn");
    int slash = text.indexOf('/');
    if (slash < 1 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
      throw new IllegalArgumentException("invalid LSN '" + text + "': expected X/Y in hexadecimal");
    }
    try {
      long hi = parseHex(text.substring(0, slash));
      long lo = parseHex(text.substring(slash + 1));
      return of(hi << 32 | lo);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid LSN '" + text + "': expected X/Y in hexadecimal", e);
    }
  }

  /**
   * Parses {@code X/Y} as PostgreSQL and the repository format write it: upper-case hexadecimal
   * only, either half one to eight digits (format spec §13.2). For LSNs read from a repository
   * manifest or PostgreSQL's {@code backup_manifest}, where any other spelling means the text was
   * not written by either, so it is refused rather than read.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static Lsn parseStrict(String text) {
    if (text == null
        || !text.chars()
            .allMatch(c -> c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
      throw new IllegalArgumentException(
          "invalid LSN '" + text + "': expected PostgreSQL's form such as 0/2000028");
    }
    return parse(text);
  }

  private static long parseHex(String half) {
    // Long.parseLong would accept a sign; an LSN half never has one.
    if (half.charAt(0) == '+' || half.charAt(0) == '-') {
      throw new NumberFormatException(half);
    }
    return Long.parseLong(half, 16);
  }

  /** The raw unsigned 64-bit value. */
  public long value() {
    return value;
  }

  /** Whether this is not {@link #INVALID}. */
  public boolean isValid() {
    return value != 0;
  }

  /**
   * This position advanced by {@code bytes} (which may be negative).
   *
   * @throws ArithmeticException if the result leaves the unsigned 64-bit range
   */
  public Lsn plus(long bytes) {
    long result = value + bytes;
    boolean overflow =
        bytes >= 0
            ? Long.compareUnsigned(result, value) < 0
            : Long.compareUnsigned(result, value) > 0;
    if (overflow) {
      throw new ArithmeticException("LSN " + this + " plus " + bytes + " bytes is out of range");
    }
    return of(result);
  }

  /**
   * The number of bytes from {@code other} to this position; negative if {@code other} is later.
   *
   * @throws ArithmeticException if the distance does not fit a signed 64-bit value
   */
  public long minus(Lsn other) {
    long diff = value - other.value;
    boolean thisLater = compareTo(other) >= 0;
    if (thisLater != (diff >= 0) && diff != 0) {
      throw new ArithmeticException("distance from " + other + " to " + this + " is out of range");
    }
    return diff;
  }

  /** The number of the WAL segment that holds this position. */
  public long segmentNumber(WalSegmentSize segmentSize) {
    return Long.divideUnsigned(value, segmentSize.bytes());
  }

  /** The offset of this position inside its WAL segment. */
  public long segmentOffset(WalSegmentSize segmentSize) {
    return Long.remainderUnsigned(value, segmentSize.bytes());
  }

  /** The first position of the segment holding this position. */
  public Lsn segmentStart(WalSegmentSize segmentSize) {
    return of(value - segmentOffset(segmentSize));
  }

  /** Whether this position is the first byte of a segment. */
  public boolean isSegmentStart(WalSegmentSize segmentSize) {
    return segmentOffset(segmentSize) == 0;
  }

  /** Whether this position is after {@code other}. */
  public boolean isAfter(Lsn other) {
    return compareTo(other) > 0;
  }

  /** Whether this position is before {@code other}. */
  public boolean isBefore(Lsn other) {
    return compareTo(other) < 0;
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Lsn other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** {@code X/YYYYYYYY}, the low half zero-padded as PostgreSQL 18 writes it. */
  @Override
  public String toString() {
    return String.format("%X/%08X", value >>> 32, value & 0xFFFFFFFFL);
  }
}
