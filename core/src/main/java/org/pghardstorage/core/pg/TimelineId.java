package org.pghardstorage.core.pg;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A PostgreSQL timeline: an unsigned 32-bit number from 1 to 2^32-1. Each promotion starts a new
 * timeline; WAL file names begin with it in eight hexadecimal digits.
 */
public final class TimelineId implements Comparable<TimelineId> {
  /** The timeline {@code initdb} starts on. */
  public static final TimelineId FIRST = new TimelineId(1);

  private static final long MAX = 0xFFFFFFFFL;
  private static final Pattern HISTORY_FILE = Pattern.compile("([0-9A-F]{8})\\.history");

  private final long value;

  private TimelineId(long value) {
    this.value = value;
  }

  /**
   * The timeline with this number.
   *
   * @throws IllegalArgumentException if it is outside 1..2^32-1
   */
  public static TimelineId of(long value) {
    if (value < 1 || value > MAX) {
      throw new IllegalArgumentException(
          "invalid timeline " + value + ": must be between 1 and " + MAX);
    }
    return value == 1 ? FIRST : new TimelineId(value);
  }

  /**
   * Parses the eight hexadecimal digits used in WAL and history file names.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static TimelineId parseHex(String hex) {
    Objects.requireNonNull(hex, "timeline");
    if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(TimelineId::isHexDigit)) {
      throw new IllegalArgumentException(
          "invalid timeline '" + hex + "': expected up to eight hexadecimal digits");
    }
    return of(Long.parseLong(hex, 16));
  }

  /**
   * Parses the decimal form PostgreSQL uses in query results and commands.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static TimelineId parseDecimal(String text) {
    Objects.requireNonNull(text, "timeline");
    if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("invalid timeline '" + text + "': expected a number");
    }
    return of(Long.parseLong(text));
  }

  /**
   * Parses a history file name such as {@code 00000002.history}.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static TimelineId parseHistoryFileName(String fileName) {
    var m = HISTORY_FILE.matcher(Objects.requireNonNull(fileName, "fileName"));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid timeline history file name '" + fileName + "': expected XXXXXXXX.history");
    }
    return parseHex(m.group(1));
  }

  /** Whether {@code fileName} has the form {@code XXXXXXXX.history} with a valid timeline. */
  public static boolean isHistoryFileName(String fileName) {
    var m = HISTORY_FILE.matcher(fileName);
    return m.matches() && Long.parseLong(m.group(1), 16) >= 1;
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  }

  /** The timeline number. */
  public long value() {
    return value;
  }

  /** Eight upper-case hexadecimal digits, as in WAL file names. */
  public String toHex() {
    return String.format(Locale.ROOT, "%08X", value);
  }

  /** The name of this timeline's history file, e.g. {@code 00000002.history}. */
  public String historyFileName() {
    return toHex() + ".history";
  }

  /**
   * The next timeline.
   *
   * @throws ArithmeticException on the last timeline
   */
  public TimelineId next() {
    if (value == MAX) {
      throw new ArithmeticException("timeline " + value + " is the last one");
    }
    return new TimelineId(value + 1);
  }

  @Override
  public int compareTo(TimelineId other) {
    return Long.compare(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimelineId other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** The decimal number, as PostgreSQL prints timelines. */
  @Override
  public String toString() {
    return Long.toString(value);
  }
}
