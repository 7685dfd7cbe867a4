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
   * Opens a store. Does not create anything: a location that does not exist yet is created by the
   * first write, and reachability problems surface as {@link StorageUnavailableException} from the
   * first call that touches the backend.
   *
   * @throws IllegalArgumentException if the URL is malformed for this scheme, naming what is wrong
   */
  ObjectStore open(URI url);
}
