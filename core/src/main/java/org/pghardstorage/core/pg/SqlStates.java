package org.pghardstorage.core.pg;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;

/** Maps SQLSTATEs to our error codes, exit codes and operator suggestions. */
final class SqlStates {
  private SqlStates() {}

  /** How we present one server error. */
  record Classification(String code, ExitCode exitCode, Optional<String> suggestion) {}

  static Classification classify(Map<Character, String> fields, String user) {
    String state = fields.getOrDefault('C', "");
    // PostgreSQL 15 says "must be superuser or replication role to start walsender", 16+ says
    // "permission denied to start WAL sender" with the REPLICATION hint in DETAIL: look at both.
    String message =
        (fields.getOrDefault('M', "") + " " + fields.getOrDefault('D', ""))
            .toLowerCase(Locale.ROOT);
    return switch (state) {
      case "28P01" ->
          of(
              "pg.auth_failed",
              ExitCode.AUTHENTICATION,
              "check the password for role \""
                  + user
                  + "\" in the connection string, PGPASSWORD or ~/.pgpass");
      case "28000" ->
          of(
              "pg.auth_failed",
              ExitCode.AUTHENTICATION,
              message.contains("pg_hba.conf")
                  ? "add a pg_hba.conf line allowing this host, role and database (a physical"
                      + " replication connection matches the 'replication' keyword), then reload"
                  : "check the role name and the pg_hba.conf authentication method");
      case "42501" ->
          of(
              "pg.permission_denied",
              ExitCode.AUTHENTICATION,
              message.contains("replication")
                      || message.contains("walsender")
                      || message.contains("wal sender")
                  ? "grant the role replication rights: ALTER ROLE \"" + user + "\" REPLICATION"
                  : "grant role \"" + user + "\" the privilege named in the message");
      case "3D000" ->
          of(
              "pg.database_not_found",
              ExitCode.NOT_FOUND,
              "check dbname in the connection string; list databases with \\l in psql");
      case "57P03" ->
          of(
              "pg.server_starting",
              ExitCode.UNREACHABLE,
              "the server is starting up, shutting down or in recovery; retry in a moment");
      case "53300" ->
          of(
              "pg.too_many_connections",
              ExitCode.UNREACHABLE,
              message.contains("wal sender") || message.contains("wal_sender")
                  ? "raise max_wal_senders or stop other replication clients"
                      + " (see pg_stat_replication)"
                  : "raise max_connections (or reserved slots for replication roles) or close idle"
                      + " sessions (see pg_stat_activity)");
      case "57014" -> of("pg.query_canceled", ExitCode.ABORTED, null);
      case "57P01", "57P02" ->
          of(
              "pg.server_shutdown",
              ExitCode.UNREACHABLE,
              "the server shut down; retry once it is up");
      case "42704" -> of("pg.object_not_found", ExitCode.NOT_FOUND, null);
      case "42710" -> of("pg.object_exists", ExitCode.CONFLICT, null);
      case "55006" ->
          of(
              "pg.object_in_use",
              ExitCode.CONFLICT,
              "another session is using it; see pg_stat_replication or pg_replication_slots");
      case "58P01" ->
          of(
              "pg.file_not_found",
              ExitCode.NOT_FOUND,
              message.contains("wal segment")
                  ? "the server already recycled that WAL; use a replication slot so it is kept"
                  : null);
      default -> byClass(state);
    };
  }

  private static Classification byClass(String state) {
    String cls = state.length() >= 2 ? state.substring(0, 2) : "";
    return switch (cls) {
      case "08" -> of("pg.connection_error", ExitCode.UNREACHABLE, null);
      case "28" -> of("pg.auth_failed", ExitCode.AUTHENTICATION, null);
      case "42" -> of("pg.syntax_or_access_error", ExitCode.ERROR, null);
      case "53" -> of("pg.insufficient_resources", ExitCode.ERROR, null);
      default -> of("pg.server_error", ExitCode.ERROR, null);
    };
  }

  private static Classification of(String code, ExitCode exit, String suggestion) {
    return new Classification(code, exit, Optional.ofNullable(suggestion));
  }
}
