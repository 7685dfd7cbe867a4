package org.pghardstorage.cli.init;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.cli.config.CliConfig;

/** Where {@code init} puts things when the operator does not say. */
public final class InitDefaults {
  /** The host-wide repository directory. */
  public static final Path SYSTEM_REPOSITORY = Path.of("/var/lib/pg_hardstorage/repo");

  private InitDefaults() {}

  /**
   * {@code systemRepository} (normally {@link #SYSTEM_REPOSITORY}) when we may create or write it,
   * else {@code $XDG_DATA_HOME/pg_hardstorage/repo}, else {@code
   * ~/.local/share/pg_hardstorage/repo}.
   */
  public static Path repository(Map<String, String> env, Path home, Path systemRepository) {
    if (mayCreate(systemRepository)) {
      return systemRepository;
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path data =
        xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share");
    return data.resolve("pg_hardstorage").resolve("repo");
  }

  /**
   * The file to write: {@code $PGHS_CONFIG}, else the user's file ({@code
   * ~/.config/pg_hardstorage/pg_hardstorage.yml}), which every command then reads by default.
   */
  public static Optional<Path> configFile(Map<String, String> env) {
    String explicit = env.get("PGHS_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit));
    }
    return CliConfig.userPath(env);
  }

  /**
   * Whether commands run without {@code --config} find {@code file}: it is on the search path and
   * no file before it exists.
   */
  public static boolean foundByDefault(Path file, Map<String, String> env) {
    Path wanted = file.toAbsolutePath().normalize();
    for (Path p : CliConfig.searchPath(env)) {
      Path candidate = p.toAbsolutePath().normalize();
      if (candidate.equals(wanted)) {
        return true;
      }
      if (Files.isRegularFile(candidate)) {
        return false;
      }
    }
    return false;
  }

  /** Whether {@code dir} exists and is writable, or its nearest existing ancestor is. */
  static boolean mayCreate(Path dir) {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Files.isDirectory(p) && Files.isWritable(p);
      }
    }
    return false;
  }
}
