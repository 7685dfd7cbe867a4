package org.pghardstorage.core.repo;

import org.pghardstorage.core.storage.ObjectStore;

/**
 * An open repository and the store under it, closed together: what the command line and the server
 * hold while they work on a repository.
 *
 * @param store the store, owned by this
 * @param repository the repository opened on it
 */
public record OpenedRepository(ObjectStore store, Repository repository) implements AutoCloseable {

  /**
   * Opens the repository on {@code store}, which it then owns: closed with it, or at once if
   * opening fails.
   *
   * @param walOnly open for WAL work only ({@link Repository#openForWal}: no chunk index)
   */
  public static OpenedRepository open(ObjectStore store, OpenOptions options, boolean walOnly) {
    try {
      Repository r =
          walOnly ? Repository.openForWal(store, options) : Repository.open(store, options);
      return new OpenedRepository(store, r);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      repository.close();
    } finally {
      store.close();
    }
  }
}
