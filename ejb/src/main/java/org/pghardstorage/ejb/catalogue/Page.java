package org.pghardstorage.ejb.catalogue;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One page of a list, newest first, and the cursor of the next page: keyset pagination on the
 * catalogue's ids, so pages stay stable while rows are added.
 *
 * @param items this page
 * @param next the cursor of the next page, or null on the last page
 */
public record Page<T>(List<T> items, String next) {
  /** The largest page a client may ask for. */
  public static final int MAX_LIMIT = 500;

  /**
   * A page from {@code rows} fetched with one row more than {@code limit}: that extra row proves a
   * next page exists.
   */
  public static <T> Page<T> of(List<T> rows, int limit, ToLongFunction<T> id) {
    if (rows.size() <= limit) {
      return new Page<>(List.copyOf(rows), null);
    }
    List<T> items = List.copyOf(rows.subList(0, limit));
    return new Page<>(items, Long.toString(id.applyAsLong(items.get(limit - 1))));
  }

  /** This page with every item mapped. */
  public <U> Page<U> map(java.util.function.Function<T, U> f) {
    return new Page<>(items.stream().map(f).toList(), next);
  }

  /** The id to read below: the cursor's, or everything for none. */
  public static long before(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new org.pghardstorage.core.error.HardstorageException(
          "usage.bad_cursor",
          org.pghardstorage.core.error.ExitCode.USAGE,
          "cursor '" + cursor + "' was not issued by this API",
          "pass the 'next' value of the previous page unchanged");
    }
  }

  /** {@code limit} within 1..{@link #MAX_LIMIT}, 50 if absent. */
  public static int limit(Integer limit) {
    return limit == null ? 50 : Math.max(1, Math.min(limit, MAX_LIMIT));
  }
}
