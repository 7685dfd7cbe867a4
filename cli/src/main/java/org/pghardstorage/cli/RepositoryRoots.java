package org.pghardstorage.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Creating the root directory of a filesystem repository. Only commands that create a repository
 * may: everywhere else a missing root means an unmounted volume, never an empty repository.
 */
public final class RepositoryRoots {
  private RepositoryRoots() {}

  /** The directory of a {@code file:} URL or plain absolute path; empty for other schemes. */
  public static Optional<Path> fileRoot(String url) {
    if (url.startsWith("/")) {
      return Optional.of(Path.of(url));
    }
    if (url.startsWith("file:")) {
      try {
        return Optional.of(Path.of(URI.create(url)));
      } catch (IllegalArgumentException e) {
        return Optional.empty(); // the store's own URL parsing reports what is wrong
      }
    }
    return Optional.empty();
  }

  /**
   * Creates the root of a filesystem repository if it is missing; with {@code parents} also its
   * missing parents, otherwise only when the parent exists.
   *
   * @throws HardstorageException {@code repo.create_failed} (UNREACHABLE)
   */
  public static void create(String url, boolean parents) {
    Optional<Path> root = fileRoot(url);
    if (root.isEmpty() || Files.exists(root.get())) {
      return;
    }
    Path dir = root.get();
    try {
      if (parents) {
        Files.createDirectories(dir);
      } else if (dir.getParent() != null && Files.isDirectory(dir.getParent())) {
        Files.createDirectory(dir);
      }
    } catch (IOException e) {
      throw new HardstorageException(
          "repo.create_failed",
          ExitCode.UNREACHABLE,
          "cannot create repository directory " + dir + ": " + e.getMessage(),
          "check that the parent directory is writable by this user");
    }
  }
}
