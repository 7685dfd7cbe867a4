package org.pghardstorage.it.cli;

import org.pghardstorage.devstack.PgCluster;

/**
 * The table the page-granular tests change: rows of realistic entropy (hex digests, random
 * numbers), frozen after loading (FACTS.md: right after a bulk load the first scan sets hint bits
 * on every page, so any later statement that reads the table would rewrite all of it), and "1 % of
 * pages" changed as FACTS.md defines it: every row of every 100th page, by ctid.
 */
final class PageChangeTable {
  static final long ROWS = 1_200_000;

  private PageChangeTable() {}

  /** Creates and freezes table {@code t} in {@code db}, then checkpoints. */
  static void create(PgCluster pg, String db) {
    pg.execute(
        db,
        "CREATE TABLE t AS SELECT g AS id, md5(random()::text) || md5(g::text) AS a,"
            + " (random() * 1e12)::bigint AS b, md5(random()::text) AS c"
            + " FROM generate_series(1, "
            + ROWS
            + ") g",
        "VACUUM (FREEZE, ANALYZE) t",
        "CHECKPOINT");
  }

  /** Changes every row of every 100th heap page, then checkpoints. */
  static void changeOnePercentOfPages(PgCluster pg, String db) {
    pg.execute(
        db,
        "UPDATE t SET b = b + 1 WHERE ((ctid::text::point)[0])::bigint % 100 = 0",
        "CHECKPOINT");
  }

  /** A digest of every row, in id order. */
  static String checksum(PgCluster pg, String db) {
    return pg.queryValue(db, "SELECT md5(string_agg(md5(t::text), '' ORDER BY id)) FROM t");
  }
}
