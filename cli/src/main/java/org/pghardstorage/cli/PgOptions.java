package org.pghardstorage.cli;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import picocli.CommandLine.Option;

/** How to reach the protected PostgreSQL. */
public final class PgOptions {
  @Option(
      names = "--pg-connection",
      paramLabel = "CONNINFO",
      description =
          "libpq conninfo or postgresql:// URI of the database to protect, e.g. \"host=db1"
              + " user=backup dbname=postgres\" (env: PGHS_PG_CONNECTION). The password may come"
              + " from PGPASSWORD or ~/.pgpass.")
  String connection;

  /** The parsed connection settings. */
  public ConnInfo connInfo() {
    String c = connection != null ? connection : System.getenv("PGHS_PG_CONNECTION");
    if (c == null || c.isBlank()) {
      throw new HardstorageException(
          "usage.no_connection",
          ExitCode.USAGE,
          "no PostgreSQL connection given",
          "pass --pg-connection \"host=... user=... dbname=...\" or set PGHS_PG_CONNECTION");
    }
    return ConnInfo.parse(c);
  }
}
