package org.pghardstorage.core.pg;

/** The {@code replication} startup parameter: which kind of walsender, if any, serves us. */
public enum ReplicationMode {
  /** A normal backend: SQL only. */
  NONE,
  /**
   * {@code replication=true}: a physical walsender. pg_hba.conf matches it with the {@code
   * replication} database keyword; it runs replication commands but no SQL.
   */
  PHYSICAL,
  /**
   * {@code replication=database}: a walsender connected to a database, which runs both replication
   * commands (BASE_BACKUP, START_REPLICATION … PHYSICAL) and simple SQL queries. pg_hba.conf
   * matches it by database name.
   */
  DATABASE;

  /** The startup-packet value, or {@code null} for {@link #NONE} (no parameter is sent). */
  String startupValue() {
    return switch (this) {
      case NONE -> null;
      case PHYSICAL -> "true";
      case DATABASE -> "database";
    };
  }
}
