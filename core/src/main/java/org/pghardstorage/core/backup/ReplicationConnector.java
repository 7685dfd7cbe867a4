package org.pghardstorage.core.backup;

import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;

/**
 * Opens the backup's replication connections: {@link ReplicationConnection#open} in production, a
 * scripted walsender in the unit tests, which is why it is a seam at all.
 */
@FunctionalInterface
interface ReplicationConnector {
  /** A walsender session to {@code connInfo}; see {@link ReplicationConnection#open}. */
  ReplicationConnection open(ConnInfo connInfo, ConnectOptions options);
}
