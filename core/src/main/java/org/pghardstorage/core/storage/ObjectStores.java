package org.pghardstorage.core.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** Opens an {@link ObjectStore} from a repository URL using the registered providers. */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * Opens the store for {@code url}: {@code file:///srv/repo}, a bare absolute path, and whatever
   * further backends are on the class path ({@code s3://}). The in-memory store ({@code memory://})
   * is a test fixture and is refused here unless a test registered it.
   *
   * @throws HardstorageException with exit code {@link ExitCode#USAGE} for a malformed URL or an
   *     unknown scheme
   */
  public static ObjectStore open(String url) {
    URI uri = parse(url);
    try {
      return provider(url, uri).open(uri);
    } catch (IllegalArgumentException e) {
      throw badUrl(url, e.getMessage());
    }
  }

  /**
   * Checks, without opening anything, that {@code url} is well formed and that a backend for its
   * scheme is registered: for a URL that is stored now and opened later.
   *
   * @throws HardstorageException as {@link #open(String)} for a malformed URL or an unknown scheme
   */
  public static void checkScheme(String url) {
    provider(url, parse(url));
  }

  private static ObjectStoreProvider provider(String url, URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    TreeSet<String> known = new TreeSet<>();
    for (ObjectStoreProvider provider : ServiceLoader.load(ObjectStoreProvider.class)) {
      if (provider.schemes().contains(scheme)) {
        return provider;
      }
      known.addAll(provider.schemes());
    }
    if (scheme.equals("memory")) {
      throw badUrl(
          url,
          "memory:// is an in-memory store for tests: a repository there would vanish with the"
              + " process, backups included");
    }
    throw badUrl(url, "no storage backend for scheme '" + scheme + "' (known: " + known + ")");
  }

  /** {@code url} with any user information ({@code //user:password@}) masked, for messages. */
  public static String redacted(String url) {
    return url == null ? null : url.replaceAll("(?<=//)[^/@?#]*@", "***@");
  }

  static URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw badUrl(String.valueOf(url), "the repository URL is empty");
    }
    if (url.startsWith("/")) {
      return java.nio.file.Path.of(url).toUri();
    }
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null) {
        throw badUrl(url, "it has no scheme; use file:///absolute/path or an absolute path");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw badUrl(url, e.getMessage());
    }
  }

  private static HardstorageException badUrl(String url, String why) {
    return new HardstorageException(
        "repo.bad_url",
        ExitCode.USAGE,
        "invalid repository URL '" + redacted(url) + "': " + why,
        "use file:///absolute/path or s3://bucket/prefix (see docs/reference/storage-spi.md)");
  }
}
