package org.pghardstorage.core.pg;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where libpq-style defaults come from: environment variables ({@code PGHOST}, {@code PGPASSWORD},
 * …), the home directory (for {@code ~/.pgpass} and {@code ~/.postgresql/root.crt}) and the
 * operating-system user name (the default role). Injectable so that tests never read the real
 * environment.
 */
public interface PgEnvironment {
  /** The value of an environment variable; empty if it is unset or empty. */
  Optional<String> get(String name);

  /** The user's home directory. */
  Path homeDirectory();

  /** The operating-system user name, libpq's default role name. */
  String osUserName();

  /** The real process environment. */
  static PgEnvironment system() {
    return of(System.getenv(), systemHome(), System.getProperty("user.name"));
  }

  /**
   * The home directory {@code ~/.pgpass} and friends are found in: {@code $HOME} when set, as libpq
   * of PostgreSQL 18 and the shell do ({@code sudo -H}, systemd's {@code User=}), else the password
   * database's entry (the JVM's {@code user.home}).
   */
  static Path systemHome() {
    String home = System.getenv("HOME");
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"));
  }

  /** A fixed environment, for tests and for callers that hold their own settings. */
  static PgEnvironment of(Map<String, String> variables, Path homeDirectory, String osUserName) {
    Map<String, String> copy = Map.copyOf(variables);
    Objects.requireNonNull(homeDirectory, "homeDirectory");
    Objects.requireNonNull(osUserName, "osUserName");
    return new PgEnvironment() {
      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(copy.get(name)).filter(v -> !v.isEmpty());
      }

      @Override
      public Path homeDirectory() {
        return homeDirectory;
      }

      @Override
      public String osUserName() {
        return osUserName;
      }
    };
  }
}
