package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Decides whether a restore may use its target directories, and empties them when forced. Every
 * directory is checked before any is changed, so a refusal leaves everything as it was.
 *
 * <p>Refused: a directory holding {@code postmaster.pid} (a server may run there); without {@code
 * force}, any non-empty directory; with {@code force}, {@code /}, the home directory or one of its
 * parents, and a non-empty tablespace directory at its recorded location that does not hold an
 * interrupted restore's marker (on the backed-up host that is the live cluster's tablespace).
 */
final class TargetGuard {
  static final String POSTMASTER_PID = "postmaster.pid";

  private final Path home;

  /**
   * @param home the home directory to protect, or empty if there is none
   */
  TargetGuard(Optional<Path> home) {
    this.home = home.map(TargetGuard::real).orElse(null);
  }

  /** A guard protecting the user's home directory ({@code user.home}). */
  static TargetGuard forCurrentUser() {
    String home = System.getProperty("user.home");
    return new TargetGuard(
        home == null || home.isEmpty() ? Optional.empty() : Optional.of(Path.of(home)));
  }

  /** What a restore of {@code plan} would be refused for; empty if it may go ahead. */
  Optional<HardstorageException> check(RestorePlan plan, boolean force) {
    try {
      for (RestorePlan.ArchiveTarget a : plan.archives()) {
        checkOne(a, force);
      }
      return Optional.empty();
    } catch (HardstorageException e) {
      return Optional.of(e);
    }
  }

  /**
   * Checks every target, then empties the non-empty ones (force) and creates missing ones with mode
   * 0700.
   *
   * @throws HardstorageException a refusal, or {@code restore.write_failed}
   */
  void prepare(RestorePlan plan, boolean force, Fs fs) {
    for (RestorePlan.ArchiveTarget a : plan.archives()) {
      checkOne(a, force);
    }
    for (Path root : plan.roots()) {
      if (Files.isDirectory(root)) {
        wipeContents(root);
      }
      fs.createRoot(root);
    }
  }

  private void checkOne(RestorePlan.ArchiveTarget a, boolean force) {
    Path dir = a.root();
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw RestoreErrors.invalidRequest(
          "restore target " + dir + " exists and is not a directory",
          "choose a directory, or a path that does not exist yet");
    }
    Optional<String> first = firstEntry(dir);
    if (first.isEmpty()) {
      return;
    }
    if (Files.exists(dir.resolve(POSTMASTER_PID), LinkOption.NOFOLLOW_LINKS)) {
      throw RestoreErrors.serverRunning(dir, describePid(dir.resolve(POSTMASTER_PID)));
    }
    boolean interrupted =
        Files.exists(dir.resolve(IncompleteMarker.NAME), LinkOption.NOFOLLOW_LINKS);
    if (!force) {
      throw RestoreErrors.targetNotEmpty(
          dir, interrupted ? IncompleteMarker.NAME : first.get(), interrupted);
    }
    requireNotProtected(dir);
    if (!a.isBase() && !a.remapped() && !interrupted) {
      throw RestoreErrors.invalidRequest(
          "tablespace directory "
              + dir
              + " is not empty and is the tablespace's recorded location, which may belong to"
              + " the running cluster the backup was taken from; --force does not delete it",
          "map the tablespace to another directory with --tablespace "
              + a.archive().tablespaceOid()
              + "=/new/dir, or empty "
              + dir
              + " yourself if it belongs to an earlier restore");
    }
  }

  private void requireNotProtected(Path dir) {
    Path real = real(dir);
    if (real.getParent() == null) {
      throw RestoreErrors.targetProtected(dir, "it is the root directory");
    }
    if (home != null && home.startsWith(real)) {
      throw RestoreErrors.targetProtected(
          dir,
          real.equals(home)
              ? "it is the home directory"
              : "it contains the home directory " + home);
    }
  }

  /** Deletes everything below {@code dir}, never following a symbolic link. */
  private static void wipeContents(Path dir) {
    try {
      // The target itself may be a link the operator chose; below it, no link is followed.
      Path start = dir.toRealPath();
      Files.walkFileTree(
          start,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              // Symbolic links arrive here (the walk does not follow them): the link is deleted.
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              if (!d.equals(start)) {
                Files.delete(d);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(dir, e);
    }
  }

  private static Optional<String> firstEntry(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      Iterator<Path> it = entries.iterator();
      return it.hasNext() ? Optional.of(it.next().getFileName().toString()) : Optional.empty();
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(dir, e);
    }
  }

  private static String describePid(Path pidFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
    if (lines.isEmpty() || !lines.get(0).trim().matches("[0-9]{1,10}")) {
      return "no process id in it";
    }
    long pid = Long.parseLong(lines.get(0).trim());
    boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    return alive
        ? "process " + pid + " is running on this host"
        : "process "
            + pid
            + " does not run on this host, but a server on another host sharing the directory,"
            + " or a stale file after a crash, cannot be told apart";
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      // A path that does not resolve cannot be the real location of anything we protect.
      return p.toAbsolutePath().normalize();
    }
  }
}
