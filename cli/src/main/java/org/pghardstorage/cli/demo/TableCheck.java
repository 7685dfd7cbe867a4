package org.pghardstorage.cli.demo;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One table compared between the source and the restored server.
 *
 * @param table the table's name
 * @param rowsSource rows in the source
 * @param rowsRestored rows in the restored copy
 * @param md5Source md5 of all rows in primary-key order, in the source
 * @param md5Restored the same in the restored copy
 * @param equal whether counts and checksums agree
 */
public record TableCheck(
    String table,
    @JsonProperty("rows_source") long rowsSource,
    @JsonProperty("rows_restored") long rowsRestored,
    @JsonProperty("md5_source") String md5Source,
    @JsonProperty("md5_restored") String md5Restored,
    boolean equal) {
  /** A check whose {@code equal} is computed from the figures. */
  public static TableCheck of(
      String table, long rowsSource, long rowsRestored, String md5Source, String md5Restored) {
    boolean same = rowsSource == rowsRestored && md5Source.equals(md5Restored);
    return new TableCheck(table, rowsSource, rowsRestored, md5Source, md5Restored, same);
  }
}
