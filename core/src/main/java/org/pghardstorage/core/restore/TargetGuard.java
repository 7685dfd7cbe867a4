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
 * <p>Refused always: a directory inside or holding the repository being restored from, or inside a
 * system tree ({@code /etc}, {@code /usr}, …); a non-empty directory holding {@code postmaster.pid}
 * at any depth (a server may run there). Without {@code force}: any non-empty directory. With
 * {@code force}: {@code /}, a home or system directory or one of their parents (see {@link
 * ProtectedPaths}), and a non-empty tablespace directory at its recorded location that does not
 * hold an interrupted restore's marker (on the backed-up host that is the live cluster's
 * tablespace).
 */
final class TargetGuard {
  static final String POSTMASTER_PID = "postmaster.pid";

  private final ProtectedPaths protectedPaths;

  TargetGuard(ProtectedPaths protectedPaths) {
    this.protectedPaths = protectedPaths;
  }

  /** A guard protecting this host's home directories and the repository at {@code repository}. */
  static TargetGuard forThisHost(Optional<Path> repository) {
    return new TargetGuard(ProtectedPaths.forThisHost(repository));
  }

  /** The protected paths, for the planner's checks of recorded tablespace locations. */
  ProtectedPaths protectedPaths() {
    return protectedPaths;
  }

  /** What a restore of {@code plan} would be refused for; empty if it may go ahead. */
  Optional<HardstorageException> check(RestorePlan plan, boolean force) {
    try {
      for (RestorePlan.Root r : plan.roots()) {
        checkOne(r, force);
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
    for (RestorePlan.Root r : plan.roots()) {
      checkOne(r, force);
    }
    for (RestorePlan.Root r : plan.roots()) {
      if (Files.isDirectory(r.path())) {
        wipeContents(r.path());
      }
      fs.createRoot(r.path());
    }
  }

  private void checkOne(RestorePlan.Root r, boolean force) {
    Path dir = r.path();
    Optional<String> forbidden = protectedPaths.whyNotToWriteInto(dir);
    if (forbidden.isPresent()) {
      throw RestoreErrors.targetProtected(dir, r.role(), forbidden.get());
    }
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw RestoreErrors.invalidRequest(
          "restore " + r.role() + " " + dir + " exists and is not a directory",
          "choose a directory, or a path that does not exist yet");
    }
    Optional<String> first = firstEntry(dir);
    if (first.isEmpty()) {
      return;
    }
    Path topPid = dir.resolve(POSTMASTER_PID);
    if (Files.exists(topPid, LinkOption.NOFOLLOW_LINKS)) {
      throw RestoreErrors.serverRunning(dir, topPid, describePid(topPid));
    }
    boolean interrupted =
        Files.exists(dir.resolve(IncompleteMarker.NAME), LinkOption.NOFOLLOW_LINKS);
    if (!force) {
      throw RestoreErrors.targetNotEmpty(
          dir, interrupted ? IncompleteMarker.NAME : first.get(), interrupted);
    }
    Optional<String> protectedDir = protectedPaths.whyNotToWipe(dir);
    if (protectedDir.isPresent()) {
      throw RestoreErrors.targetProtected(dir, r.role(), protectedDir.get());
    }
    if (r.tablespaceOid() != 0 && !r.chosenByOperator() && !interrupted) {
      throw RestoreErrors.invalidRequest(
          "tablespace directory "
              + dir
              + " is not empty and is the tablespace's recorded location, which may belong to"
              + " the running cluster the backup was taken from; --force does not delete it",
          "map the tablespace to another directory with --tablespace-map "
              + r.tablespaceOid()
              + "=/new/dir, or empty "
              + dir
              + " yourself if it belongs to an earlier restore");
    }
    // Only now, with everything protected ruled out, is the tree worth walking.
    Optional<Path> pid = findPostmasterPid(dir);
    if (pid.isPresent()) {
      throw RestoreErrors.serverRunning(dir, pid.get(), describePid(pid.get()));
    }
  }

  /**
   * A {@code postmaster.pid} anywhere below {@code dir} (links not followed): a cluster, perhaps a
   * running one, that {@code --force} would delete from under it.
   */
  private static Optional<Path> findPostmasterPid(Path dir) {
    try (var walk = Files.walk(dir)) {
      return walk.filter(
              p -> p.getFileName() != null && p.getFileName().toString().equals(POSTMASTER_PID))
          .findFirst();
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(dir, e);
    } catch (java.io.UncheckedIOException e) {
      throw RestoreErrors.writeFailed(dir, e.getCause());
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
}
