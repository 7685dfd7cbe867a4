package org.pghardstorage.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.restore.RecoveryKey;
import org.pghardstorage.core.restore.RestoreCommands;

/**
 * This installation's launcher, and the command lines other programs run through it. PostgreSQL
 * runs {@code restore_command} as its own OS user, so the launcher is named by absolute path and
 * nothing depends on that user's {@code PATH} or home.
 */
public final class Launcher {
  /** The launcher's name when the installation is unknown (run from an IDE or a test). */
  public static final String NAME = "pg_hardstorage";

  private Launcher() {}

  /** The installation root ({@code bin/}, {@code lib/}), set by {@code bin/pg_hardstorage}. */
  public static Optional<Path> home() {
    String home = System.getProperty("pghs.home");
    return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home));
  }

  /** The launcher to name in commands: absolute when the installation is known. */
  public static String path() {
    return home().map(h -> h.resolve("bin").resolve(NAME).toString()).orElse(NAME);
  }

  /**
   * The launcher to name in schedules and service units, which should follow upgrades: reached
   * through the links it was started through ({@code /opt/pg_hardstorage}, not the versioned
   * directory that link points to). A restore names {@link #path()} instead, so that a recovery
   * keeps running the version that wrote its {@code restore_command}.
   */
  public static String stablePath() {
    String stable = System.getProperty("pghs.stable-home");
    return stable == null || stable.isBlank()
        ? path()
        : Path.of(stable).resolve("bin").resolve(NAME).toString();
  }

  /**
   * The {@code restore_command} that fetches WAL of {@code deployment} from {@code repositoryUrl}
   * through {@code launcher} (the server's restore plans write the same command). It exits 1 only
   * when a segment is truly absent and 255 on any other failure, so PostgreSQL aborts recovery
   * instead of silently stopping early.
   */
  public static String restoreCommand(
      String launcher, Deployment deployment, String repositoryUrl) {
    return RestoreCommands.walFetch(launcher, deployment, repositoryUrl);
  }

  /** As {@link #restoreCommand(String, Deployment, String)}, handing it the repository key. */
  public static String restoreCommand(
      String launcher, Deployment deployment, String repositoryUrl, RecoveryKey key) {
    return RestoreCommands.walFetch(launcher, deployment, repositoryUrl, key);
  }
}
