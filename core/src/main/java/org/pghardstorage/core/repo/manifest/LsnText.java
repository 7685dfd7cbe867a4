package org.pghardstorage.core.repo.manifest;

import java.util.regex.Pattern;

/**
 * PostgreSQL's {@code %X/%X} text form of an LSN. A local helper until {@code
 * org.pghardstorage.core.pg.Lsn} exists; the text form stays the same when they are unified.
 */
public final class LsnText {
  private static final Pattern FORMAT = Pattern.compile("[0-9A-F]{1,8}/[0-9A-F]{1,8}");

  private LsnText() {}

  /** Formats {@code lsn} as PostgreSQL does, e.g. {@code 0/2000028}. */
  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
  }

  /**
   * Parses {@code X/X} (upper-case hex, as PostgreSQL prints it).
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static long parse(String text) {
    if (text == null || !FORMAT.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "invalid LSN '" + text + "': expected PostgreSQL's form such as 0/2000028");
    }
    int slash = text.indexOf('/');
    return Long.parseLong(text.substring(0, slash), 16) << 32
        | Long.parseLong(text.substring(slash + 1), 16);
  }
}
