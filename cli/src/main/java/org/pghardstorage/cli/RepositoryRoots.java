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
   * Prepares the root directory of a filesystem repository about to be created: creates it if it is
   * missing (with {@code parents} also its missing parents, otherwise only when the parent exists),
   * and gives it the mode the repository keeps from then on, because the filesystem store derives
   * the mode of every object from it: {@code 0700}, like PGDATA, or with {@code groupReadable}
   * {@code 2750} (the group may read; new objects inherit the root's group through the set-group-ID
   * bit). A root that already holds a {@code config} is an existing repository and is left alone.
   *
   * @return a note for the operator when an existing directory's mode was changed
   * @throws HardstorageException {@code repo.create_failed} (UNREACHABLE) if the directory cannot
   *     be created or its mode set, {@code usage.group_readable} (USAGE) for {@code groupReadable}
   *     with a URL that is no filesystem path
   */
  public static Optional<String> prepare(String url, boolean parents, boolean groupReadable) {
    Optional<Path> root = fileRoot(url);
    if (root.isEmpty()) {
      if (groupReadable) {
        throw new HardstorageException(
            "usage.group_readable",
            ExitCode.USAGE,
            "--group-readable applies to filesystem repositories only, not to " + url,
            "for object stores, grant read access to PostgreSQL's OS user through the store's"
                + " own access control (e.g. its credentials)");
      }
      return Optional.empty();
    }
    Path dir = root.get();
    if (Files.exists(dir.resolve("config"))) {
      return Optional.empty();
    }
    boolean existed = Files.isDirectory(dir);
    if (!existed) {
      create(dir, parents);
      if (!Files.isDirectory(dir)) {
        return Optional.empty(); // no parent to create it in: the store says what is missing
      }
    }
    int wanted = groupReadable ? GROUP_READABLE : OWNER_ONLY;
    try {
      int mode = (Integer) Files.getAttribute(dir, "unix:mode") & 07777;
      if (mode == wanted) {
        return Optional.empty();
      }
      Files.setAttribute(dir, "unix:mode", wanted);
      return existed
          ? Optional.of(
              String.format(
                  "Changed the permissions of the existing directory %s from %04o to %04o%s.",
                  dir,
                  mode,
                  wanted,
                  groupReadable ? " (group-readable)" : " (owner only, like PGDATA)"))
          : Optional.empty();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.empty(); // no POSIX modes on this filesystem: nothing to keep
    } catch (IOException e) {
      throw new HardstorageException(
          "repo.create_failed",
          ExitCode.UNREACHABLE,
          "cannot set the permissions of repository directory " + dir + ": " + e.getMessage(),
          "the directory must belong to the user running pg_hardstorage; chown it, or choose"
              + " another location",
          e);
    }
  }

  /** {@code rwx------}: the default mode of a repository root. */
  static final int OWNER_ONLY = 0700;

  /** {@code rwxr-s---}: a group-readable repository root whose objects inherit its group. */
  static final int GROUP_READABLE = 02750;

  private static void create(Path dir, boolean parents) {
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
