/**
 * The WAL data plane: receiving WAL over the replication protocol and storing it in the repository
 * as complete segments, the current partial segment, and timeline history files. The same {@link
 * org.pghardstorage.core.wal.WalReceiver} serves a base backup's own WAL (bounded by the backup's
 * end LSN) and the always-on streamer.
 */
package org.pghardstorage.core.wal;
