package org.pghardstorage.core.pg;

import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The outcome of one statement: its columns and rows (empty for a statement that returns none) and
 * the CommandComplete tag such as {@code SELECT 1} or {@code IDENTIFY_SYSTEM}. Some replication
 * commands send result sets without a tag, hence {@link Optional}.
 */
public final class QueryResult {
  private final List<Column> columns;
  private final List<Row> rows;
  private final Optional<String> commandTag;

  QueryResult(List<Column> columns, List<Row> rows, Optional<String> commandTag) {
    this.columns = List.copyOf(columns);
    this.rows = List.copyOf(rows);
    this.commandTag = commandTag;
  }

  /** The columns; empty for a statement that returns no rows. */
  public List<Column> columns() {
    return columns;
  }

  /** The rows, in the order the server sent them. */
  public List<Row> rows() {
    return rows;
  }

  /** The CommandComplete tag, if the server sent one. */
  public Optional<String> commandTag() {
    return commandTag;
  }

  /**
   * The only row.
   *
   * @throws HardstorageException ({@code pg.unexpected_result}) if there is not exactly one row
   */
  public Row singleRow() {
    if (rows.size() != 1) {
      throw new HardstorageException(
          "pg.unexpected_result",
          ExitCode.ERROR,
          "expected one row but the server returned "
              + rows.size()
              + " ("
              + commandTag.orElse("no tag")
              + ")",
          null);
    }
    return rows.get(0);
  }

  @Override
  public String toString() {
    return "QueryResult["
        + commandTag.orElse("-")
        + ", columns="
        + columns.stream().map(Column::name).toList()
        + ", rows="
        + rows.size()
        + "]";
  }
}
