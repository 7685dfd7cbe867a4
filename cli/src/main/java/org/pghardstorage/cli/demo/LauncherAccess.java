package org.pghardstorage.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.OsUser;
import org.pghardstorage.devstack.PgBinariesJar;

/**
 * Makes sure the OS user that runs PostgreSQL can run this installation's launcher, because the
 * restored server calls it from {@code restore_command}. When we are root and the installation lies
 * somewhere that user cannot reach (under {@code /root}, say), the launcher and its class path are
 * copied into the work directory, world-readable; the server binaries are left out.
 */
final class LauncherAccess {
  private static final Duration CHECK_LIMIT = Duration.ofSeconds(30);

  private LauncherAccess() {}

  /** The launcher {@code user} can run: the installation's own, or a copy under {@code work}. */
  static Path launcherFor(OsUser user, Path home, Path work) {
    if (canRun(user, home)) {
      return launcher(home);
    }
    Path copy = work.resolve("pg_hardstorage");
    try {
      copyTree(home.resolve("bin"), copy.resolve("bin"));
      copyTree(home.resolve("lib"), copy.resolve("lib"));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy the launcher to " + copy + " for the PostgreSQL user " + user.name(), e);
    }
    if (!canRun(user, copy)) {
      throw new IllegalStateException(
          "the PostgreSQL user " + user.name() + " cannot run " + launcher(copy));
    }
    return launcher(copy);
  }

  static Path launcher(Path home) {
    return home.resolve("bin").resolve("pg_hardstorage");
  }

  private static boolean canRun(OsUser user, Path home) {
    Path lib = home.resolve("lib");
    List<String> test =
        List.of(
            "test",
            "-x",
            launcher(home).toString(),
            "-a",
            "-r",
            lib.toString(),
            "-a",
            "-x",
            lib.toString(),
            "-a",
            "-r",
            lib.resolve("pg-hardstorage-cli.jar").toString());
    return Cmd.run(user.wrap(test), null, Map.of(), CHECK_LIMIT).exitCode() == 0;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (PgBinariesJar.majorOf(f).isPresent()) {
          continue; // the server binaries are ours to run, not the restore_command's
        }
        Path target = to.resolve(f.getFileName().toString());
        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        boolean executable = Files.isExecutable(f) && to.getFileName().toString().equals("bin");
        Files.setPosixFilePermissions(
            target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }
}
