package org.pghardstorage.cli.init;

import org.pghardstorage.core.pg.ConnInfo;

/** How detection looks for a server; a seam so that detection is tested without one. */
public interface PostgresProbe {
  /** Whether something accepts TCP connections at {@code host:port}, within about a second. */
  boolean listening(String host, int port);

  /**
   * Opens a replication connection as a backup does, and closes it again.
   *
   * @throws org.pghardstorage.core.error.HardstorageException with the server's reason (wrong
   *     password, no REPLICATION attribute, pg_hba.conf, unsupported version, ...)
   */
  ServerInfo connect(ConnInfo connInfo);
}
