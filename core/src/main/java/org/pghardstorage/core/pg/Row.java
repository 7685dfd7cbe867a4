package org.pghardstorage.core.pg;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * One row of a {@link QueryResult}: raw column values (text format) with typed getters. Typed
 * getters throw {@link HardstorageException} ({@code pg.unexpected_result}) for NULL or malformed
 * values; use {@link #isNull} or {@link #getOptionalString} where NULL is expected.
 */
public final class Row {
  private final List<Column> columns;
  private final byte[][] values;

  Row(List<Column> columns, byte[][] values) {
    this.columns = columns;
    this.values = values;
  }

  /** Number of columns. */
  public int size() {
    return values.length;
  }

  /** Whether the value at {@code index} (0-based) is NULL. */
  public boolean isNull(int index) {
    return raw(index) == null;
  }

  /** Whether the named column is NULL. */
  public boolean isNull(String column) {
    return isNull(indexOf(column));
  }

  /** The value as text, or empty for NULL. */
  public Optional<String> getOptionalString(int index) {
    byte[] v = raw(index);
    return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
  }

  /** The named column as text, or empty for NULL. */
  public Optional<String> getOptionalString(String column) {
    return getOptionalString(indexOf(column));
  }

  /** The value as text; NULL is an error. */
  public String getString(int index) {
    return getOptionalString(index).orElseThrow(() -> unexpected(index, "is NULL"));
  }

  /** The named column as text; NULL is an error. */
  public String getString(String column) {
    return getString(indexOf(column));
  }

  /** The raw bytes of the value as the server sent them; NULL is an error. */
  public byte[] getBytes(int index) {
    byte[] v = raw(index);
    if (v == null) {
      throw unexpected(index, "is NULL");
    }
    return v.clone();
  }

  /** The value as a 64-bit integer. */
  public long getLong(int index) {
    String s = getString(index);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw unexpected(index, "is not an integer: '" + s + "'");
    }
  }

  /** The named column as a 64-bit integer. */
  public long getLong(String column) {
    return getLong(indexOf(column));
  }

  /** The value as a 32-bit integer. */
  public int getInt(int index) {
    long v = getLong(index);
    if (v != (int) v) {
      throw unexpected(index, "does not fit a 32-bit integer: " + v);
    }
    return (int) v;
  }

  /** The named column as a 32-bit integer. */
  public int getInt(String column) {
    return getInt(indexOf(column));
  }

  /** The value as a boolean ({@code t}/{@code f} as PostgreSQL prints them, or on/off). */
  public boolean getBoolean(int index) {
    String s = getString(index);
    return switch (s) {
      case "t", "true", "on", "yes", "1" -> true;
      case "f", "false", "off", "no", "0" -> false;
      default -> throw unexpected(index, "is not a boolean: '" + s + "'");
    };
  }

  /** The named column as a boolean. */
  public boolean getBoolean(String column) {
    return getBoolean(indexOf(column));
  }

  /** The value as an {@link Lsn} ({@code X/Y}). */
  public Lsn getLsn(int index) {
    String s = getString(index);
    try {
      return Lsn.parse(s);
    } catch (IllegalArgumentException e) {
      throw unexpected(index, "is not an LSN: '" + s + "'");
    }
  }

  /** The named column as an {@link Lsn}. */
  public Lsn getLsn(String column) {
    return getLsn(indexOf(column));
  }

  /** The index of the named column. */
  public int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    throw new HardstorageException(
        "pg.unexpected_result",
        ExitCode.ERROR,
        "result has no column \""
            + column
            + "\"; it has "
            + columns.stream().map(Column::name).toList(),
        null);
  }

  private byte[] raw(int index) {
    if (index < 0 || index >= values.length) {
      throw new IndexOutOfBoundsException(
          "column index " + index + " outside 0.." + (values.length - 1));
    }
    return values[index];
  }

  private HardstorageException unexpected(int index, String what) {
    return new HardstorageException(
        "pg.unexpected_result",
        ExitCode.ERROR,
        "column \"" + columns.get(index).name() + "\" " + what,
        "check the PostgreSQL version; pg_hardstorage supports 15 to 18");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Row[");
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(columns.get(i).name()).append('=');
      sb.append(values[i] == null ? "NULL" : getOptionalString(i).orElse(""));
    }
    return sb.append(']').toString();
  }
}
