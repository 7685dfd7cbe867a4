package org.pghardstorage.core.backup;

import org.pghardstorage.core.pg.Lsn;

/** Where a backup's WAL comes from: its own receiver, or the deployment's running streamer. */
interface WalSource extends AutoCloseable {
  /**
   * Waits until the WAL from {@code start} up to {@code end} is durable in the repository.
   *
   * @return complete segments this source stored itself
   */
  int awaitDurable(Lsn start, Lsn end, java.time.Duration timeout);

  @Override
  void close();
}
