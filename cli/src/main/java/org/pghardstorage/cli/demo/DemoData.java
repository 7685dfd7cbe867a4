package org.pghardstorage.cli.demo;

import java.util.ArrayList;
import java.util.List;
import org.pghardstorage.devstack.PgCluster;

/**
 * The demo's database: a small shop with customers, orders and an event log, a few MB of
 * deterministic rows (md5 text gives it realistic entropy, so compression does not flatter the
 * figures). Compared table by table: row count and md5 of every row in primary-key order.
 */
final class DemoData {
  /** The database the demo creates in the source cluster. */
  static final String DATABASE = "demo";

  /** The tables, in the order they are compared. */
  static final List<String> TABLES = List.of("customers", "orders", "events");

  private static final String[] SCHEMA_AND_ROWS = {
    "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text NOT NULL,"
        + " created_at timestamptz NOT NULL)",
    "INSERT INTO customers SELECT g, 'Customer ' || g, 'customer' || g || '@example.com',"
        + " timestamptz '2026-01-01 00:00:00+00' + g * interval '37 minutes'"
        + " FROM generate_series(1, 20000) g",
    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,"
        + " amount numeric(10,2) NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL)",
    "INSERT INTO orders SELECT g, 1 + (g * 7919) % 20000, ((g * 37) % 100000) / 100.0,"
        + " (ARRAY['new','paid','shipped','returned'])[1 + g % 4],"
        + " timestamptz '2026-01-01 00:00:00+00' + g * interval '3 minutes'"
        + " FROM generate_series(1, 100000) g",
    "CREATE INDEX orders_customer_idx ON orders (customer_id)",
    "CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload text NOT NULL)",
    "INSERT INTO events SELECT g, (ARRAY['login','view','search','checkout'])[1 + g % 4],"
        + " md5(g::text) || md5((g * 2)::text) || md5((g * 3)::text)"
        + " FROM generate_series(1, 60000) g",
    "ANALYZE"
  };

  private DemoData() {}

  /** What was loaded. */
  record Loaded(long rows, long databaseBytes) {}

  /** Creates the database and fills it. */
  static Loaded load(PgCluster source) {
    source.execute("postgres", "CREATE DATABASE " + DATABASE);
    source.execute(DATABASE, SCHEMA_AND_ROWS);
    long rows = 0;
    for (String table : TABLES) {
      rows += count(source, table);
    }
    long bytes =
        Long.parseLong(source.queryValue(DATABASE, "SELECT pg_database_size('" + DATABASE + "')"));
    return new Loaded(rows, bytes);
  }

  /** Every table compared between the two servers. */
  static List<TableCheck> compare(PgCluster source, PgCluster restored) {
    List<TableCheck> checks = new ArrayList<>();
    for (String table : TABLES) {
      checks.add(
          TableCheck.of(
              table,
              count(source, table),
              count(restored, table),
              checksum(source, table),
              checksum(restored, table)));
    }
    return checks;
  }

  private static long count(PgCluster pg, String table) {
    return Long.parseLong(pg.queryValue(DATABASE, "SELECT count(*) FROM " + table));
  }

  private static String checksum(PgCluster pg, String table) {
    return pg.queryValue(
        DATABASE, "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM " + table + " t");
  }
}
