package org.pghardstorage.core.pg;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** Factories for the client-side errors of this package, so codes and suggestions stay uniform. */
final class PgErrors {
  private PgErrors() {}

  static HardstorageException unreachable(String peer, String what, Throwable cause) {
    return new HardstorageException(
        "pg.unreachable",
        ExitCode.UNREACHABLE,
        "could not connect to PostgreSQL at " + peer + ": " + what,
        "check that the server is running, listens on that address (listen_addresses, port)"
            + " and that no firewall blocks it",
        cause);
  }

  static HardstorageException timeout(String peer, String what, Throwable cause) {
    return new HardstorageException(
        "pg.timeout",
        ExitCode.UNREACHABLE,
        "timed out " + what + " PostgreSQL at " + peer,
        "check the network and server load, or raise the timeout",
        cause);
  }

  static HardstorageException connectionLost(String peer, Throwable cause) {
    return new HardstorageException(
        "pg.connection_lost",
        ExitCode.UNREACHABLE,
        "connection to PostgreSQL at "
            + peer
            + " was lost"
            + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()),
        "check the server log; the server may have restarted or terminated the session",
        cause);
  }

  static HardstorageException protocol(String peer, String what) {
    return new HardstorageException(
        "pg.protocol_violation",
        ExitCode.ERROR,
        "protocol violation from PostgreSQL at " + peer + ": " + what,
        "make sure the address points to a PostgreSQL 15 or later server, not a proxy that"
            + " does not support the replication protocol");
  }

  static HardstorageException tls(String peer, String what, String suggestion, Throwable cause) {
    return new HardstorageException(
        "pg.tls_failed",
        ExitCode.UNREACHABLE,
        "TLS with " + peer + " failed: " + what,
        suggestion,
        cause);
  }

  static HardstorageException auth(String code, String message, String suggestion) {
    return new HardstorageException(code, ExitCode.AUTHENTICATION, message, suggestion);
  }
}
