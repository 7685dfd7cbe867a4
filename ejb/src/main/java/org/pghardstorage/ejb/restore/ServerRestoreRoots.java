package org.pghardstorage.ejb.restore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Where a restore on the server host may write: inside one of the directories an administrator
 * named in {@value #PROPERTY}, never anywhere else. Unset, the server restores nothing. A chosen
 * directory is judged by where it really is: its path has no {@code ..}, its nearest existing
 * ancestor is resolved through every symbolic link, and the result must lie strictly inside a root,
 * itself resolved the same way; the directory must be absent or empty.
 *
 * @param roots the allowed roots as configured (absolute)
 */
public record ServerRestoreRoots(List<Path> roots) {
  /** The server's MicroProfile Config property: the allowed roots, separated by commas. */
  public static final String PROPERTY = "pghs.restore.server.roots";

  /**
   * The server's MicroProfile Config property: the {@code pg_hardstorage} launcher on the server
   * host that a restored cluster's {@code restore_command} runs (default {@value
   * #DEFAULT_LAUNCHER}).
   */
  public static final String LAUNCHER_PROPERTY = "pghs.restore.launcher";

  /** The launcher named when {@value #LAUNCHER_PROPERTY} is unset: found on PATH, if at all. */
  public static final String DEFAULT_LAUNCHER = "pg_hardstorage";

  /** The roots are kept as given; {@link #check} refuses a relative one. */
  public ServerRestoreRoots {
    roots = List.copyOf(roots);
  }

  /**
   * The roots a configuration names.
   *
   * @param config looks up a configuration property
   * @throws HardstorageException {@code restore.bad_server_roots} (USAGE) when a root is not an
   *     absolute path
   */
  public static ServerRestoreRoots from(Function<String, Optional<String>> config) {
    List<Path> out = new ArrayList<>();
    for (String s : config.apply(PROPERTY).orElse("").split(",")) {
      if (s.isBlank()) {
        continue;
      }
      Path p;
      try {
        p = Path.of(s.strip());
      } catch (InvalidPathException e) {
        p = null;
      }
      if (p == null || !p.isAbsolute()) {
        throw new HardstorageException(
            "restore.bad_server_roots",
            ExitCode.USAGE,
            "the server setting " + PROPERTY + " names \"" + s.strip() + "\", not an absolute path",
            "an administrator sets " + PROPERTY + " to absolute directories, separated by commas");
      }
      out.add(p);
    }
    return new ServerRestoreRoots(out);
  }

  /** Whether the server may restore at all: an administrator named at least one root. */
  public boolean enabled() {
    return !roots.isEmpty();
  }

  /**
   * The directory {@code chosen} really is, when a restore may write it.
   *
   * @param chosen the directory as the operator typed it
   * @return its real location (symbolic links of its existing part resolved), inside a root
   * @throws HardstorageException {@code restore.server_disabled} (CONFLICT) when no root is
   *     configured; {@code restore.target_not_allowed} (USAGE) for a relative path, a path with
   *     {@code ..}, or one that is not inside a root once resolved; {@code
   *     restore.target_not_empty} (CONFLICT) for an existing file or non-empty directory
   */
  public Path check(String chosen) {
    if (!enabled()) {
      throw disabled();
    }
    String c = chosen == null ? "" : chosen.strip();
    Path p;
    try {
      p = Path.of(c);
    } catch (InvalidPathException e) {
      throw notAllowed(c, "it is not a valid path");
    }
    if (c.isEmpty() || !p.isAbsolute()) {
      throw notAllowed(c, "it is not an absolute path");
    }
    for (Path part : p) {
      if (part.toString().equals("..") || part.toString().equals(".")) {
        throw notAllowed(c, "it has a . or .. part; give the directory's plain path");
      }
    }
    Path real = real(p);
    for (Path root : roots) {
      if (!root.isAbsolute()) {
        continue;
      }
      Path r = real(root.normalize());
      if (real.startsWith(r) && !real.equals(r)) {
        requireAbsentOrEmpty(c, real);
        return real;
      }
    }
    throw notAllowed(
        c,
        (real.equals(p) ? "it is" : "it resolves to " + real + ", which is")
            + " not inside any of the allowed roots "
            + roots);
  }

  /**
   * {@code p} with its nearest existing ancestor resolved through symbolic links and the rest (not
   * existing yet, so not a link) appended: where a restore into {@code p} would write.
   */
  static Path real(Path p) {
    Path existing = p;
    List<Path> rest = new ArrayList<>();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    Path out;
    try {
      out = existing.toRealPath();
    } catch (IOException e) {
      // a dangling link: where it points cannot be known, so it is nowhere allowed
      throw notAllowed(
          p.toString(), existing + " cannot be resolved (" + e.getMessage() + "); it may not");
    }
    for (Path part : rest) {
      out = out.resolve(part);
    }
    return out;
  }

  private static void requireAbsentOrEmpty(String chosen, Path real) {
    if (!Files.exists(real)) {
      return;
    }
    if (!Files.isDirectory(real)) {
      throw notEmpty(chosen, real + " exists and is not a directory");
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
      if (entries.iterator().hasNext()) {
        throw notEmpty(chosen, real + " is not empty");
      }
    } catch (IOException e) {
      throw notEmpty(chosen, real + " cannot be read (" + e.getMessage() + ")");
    }
  }

  private HardstorageException disabled() {
    return new HardstorageException(
        "restore.server_disabled",
        ExitCode.CONFLICT,
        "restoring on the server host is off: the server setting " + PROPERTY + " is not set",
        "an administrator names the directories restores may write into, e.g. asadmin"
            + " set-config-property --source=domain --propertyName="
            + PROPERTY
            + " --propertyValue=/srv/pghs-restores; or restore on the target host with the"
            + " command line");
  }

  private static HardstorageException notAllowed(String chosen, String why) {
    return new HardstorageException(
        "restore.target_not_allowed",
        ExitCode.USAGE,
        "the directory \"" + chosen + "\" may not be restored into: " + why,
        "choose a new or empty directory inside one of the server's restore roots ("
            + PROPERTY
            + ")");
  }

  private static HardstorageException notEmpty(String chosen, String why) {
    return new HardstorageException(
        "restore.target_not_empty",
        ExitCode.CONFLICT,
        "the directory \"" + chosen + "\" may not be restored into: " + why,
        "choose a new or empty directory; the server never overwrites one");
  }

  /** The roots as the page lists them. */
  @Override
  public String toString() {
    return Arrays.toString(roots.toArray());
  }
}
