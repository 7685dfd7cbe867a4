package org.pghardstorage.core.repo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A backup's id: {@code yyyyMMdd'T'HHmmss'Z'-} plus 6 lower-case base32 characters, e.g. {@code
 * 20261130T190600Z-k3x7qa} (format spec §3). Text order is start-time order.
 */
public final class BackupId implements Comparable<BackupId> {
  private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{6}Z-[a-z2-7]{6}");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final String value;

  private BackupId(String value) {
    this.value = value;
  }

  /** A new id for a backup starting at {@code start}, with 30 random bits from {@code random}. */
  public static BackupId generate(Instant start, RandomGenerator random) {
    StringBuilder sb = new StringBuilder(TIME.format(start.truncatedTo(ChronoUnit.SECONDS)));
    sb.append('-');
    for (int i = 0; i < 6; i++) {
      sb.append(BASE32[random.nextInt(32)]);
    }
    return new BackupId(sb.toString());
  }

  /**
   * Parses an id.
   *
   * @throws HardstorageException {@code repo.invalid_backup_id}, exit USAGE, echoing the text
   */
  public static BackupId parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!isValid(text)) {
      throw new HardstorageException(
          RepositoryErrors.INVALID_BACKUP_ID,
          ExitCode.USAGE,
          "invalid backup id '" + text + "'",
          "backup ids look like 20261130T190600Z-k3x7qa; list them with pg_hardstorage backup list");
    }
    return new BackupId(text);
  }

  /** Whether {@code text} is a well-formed backup id. */
  public static boolean isValid(String text) {
    if (text == null || !FORMAT.matcher(text).matches()) {
      return false;
    }
    try {
      TIME.parse(text.substring(0, 16));
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /** The start time encoded in the id (second precision). */
  public Instant startTime() {
    return Instant.from(TIME.parse(value.substring(0, 16)));
  }

  /** The id text. */
  public String value() {
    return value;
  }

  @Override
  public int compareTo(BackupId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupId other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
