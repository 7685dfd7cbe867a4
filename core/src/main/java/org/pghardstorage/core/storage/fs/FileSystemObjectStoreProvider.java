package org.pghardstorage.core.storage.fs;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreProvider;

/**
 * Opens {@code file:} URLs: {@code file:///srv/repo}, {@code file:/srv/repo} and {@code
 * file://localhost/srv/repo} (RFC 8089). Relative paths and other hosts are rejected: the backend
 * stores on this machine's filesystem only, which may be a network mount.
 */
public final class FileSystemObjectStoreProvider implements ObjectStoreProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public ObjectStore open(URI url) {
    return new FileSystemObjectStore(rootOf(url));
  }

  /**
   * The absolute, normalised directory a {@code file:} URL names.
   *
   * @throws IllegalArgumentException naming the URL, what is wrong and the form to use
   */
  static Path rootOf(URI url) {
    if (url.isOpaque()) {
      throw new IllegalArgumentException(
          "file URL '"
              + url
              + "' has a relative path '"
              + url.getSchemeSpecificPart()
              + "'; use an absolute path: file:///absolute/path");
    }
    String authority = url.getAuthority();
    if (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
      throw new IllegalArgumentException(
          "file URL '"
              + url
              + "' names host '"
              + authority
              + "', but only local paths are supported; for the local directory /"
              + authority
              + url.getPath()
              + " write file:///"
              + authority
              + url.getPath()
              + " (three slashes), and mount remote storage or use sftp://");
    }
    if (url.getQuery() != null || url.getFragment() != null) {
      throw new IllegalArgumentException(
          "file URL '" + url + "' has a query or fragment; use file:///absolute/path only");
    }
    String path = url.getPath();
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "file URL '" + url + "' has no absolute path; use file:///absolute/path");
    }
    return Path.of(path).normalize();
  }
}
