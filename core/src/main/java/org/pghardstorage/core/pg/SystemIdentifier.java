package org.pghardstorage.core.pg;

import java.util.Objects;

/**
 * The database system identifier chosen by {@code initdb} (unsigned 64-bit), shown as a decimal
 * string by {@code IDENTIFY_SYSTEM} and {@code pg_control}. Backups and WAL of different systems
 * must never be mixed, so this is the identity of a cluster.
 */
public final class SystemIdentifier {
  private final long value;

  private SystemIdentifier(long value) {
    this.value = value;
  }

  /** The identifier with this raw unsigned value. */
  public static SystemIdentifier of(long value) {
    return new SystemIdentifier(value);
  }

  /**
   * Parses the unsigned decimal form.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static SystemIdentifier parse(String text) {
    Objects.requireNonNull(text, "systemIdentifier");
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "invalid system identifier '" + text + "': expected an unsigned decimal number");
    }
    try {
      return new SystemIdentifier(Long.parseUnsignedLong(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid system identifier '" + text + "': larger than 2^64-1", e);
    }
  }

  /** The raw value; compare with {@link Long#compareUnsigned}. */
  public long value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SystemIdentifier other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** The unsigned decimal form. */
  @Override
  public String toString() {
    return Long.toUnsignedString(value);
  }
}
