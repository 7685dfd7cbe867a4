package org.pghardstorage.core.storage;

import java.net.URI;
import java.util.Set;

/**
 * Opens {@link ObjectStore}s for the URL schemes it owns. Backends register an implementation
 * through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/org.pghardstorage.core.storage.ObjectStoreProvider}); {@link ObjectStores}
 * picks one by scheme.
 */
public interface ObjectStoreProvider {
  /** URL schemes handled, lower case, for example {@code file} or {@code s3}. */
  Set<String> schemes();

  /**
   * Opens a store. Does not create or contact anything. The store's root (bucket, container,
   * directory) must already exist: creating it is the operator's job, because a backup tool that
   * creates a missing root would silently write to the wrong disk when a volume is not mounted.
   * Prefixes (or directories) below the root are created by the first write under them. A missing
   * root, and any other reachability problem, surfaces as {@link StorageUnavailableException} from
   * the first call that touches the backend.
   *
   * @throws IllegalArgumentException if the URL is malformed for this scheme, naming what is wrong
   *     and the expected form
   */
  ObjectStore open(URI url);
}
