package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where things are. Server distributions come from {@code devstack/target/dist} (filled by the
 * Maven build from Maven Central), located through the system property or environment variable
 * {@code pghs.dist.dir} / {@code PGHS_DIST_DIR}, else by walking up from the working directory to
 * the project root. Extracted binaries and runtime state go under a world-traversable directory,
 * never under root's home, because PostgreSQL runs as an unprivileged user and must reach them.
 */
public final class Locations {
  private Locations() {}

  /**
   * The directory holding {@code postgres-NN.jar}, {@code postgresql-jdbc.jar} and {@code payara}.
   */
  public static Path distDir() {
    String configured = setting("pghs.dist.dir", "PGHS_DIST_DIR");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    return projectRoot()
        .map(root -> root.resolve("devstack/target/dist"))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find devstack/target/dist above "
                        + Path.of("").toAbsolutePath()
                        + "; build the project first (./mvnw -DskipTests package) or set"
                        + " PGHS_DIST_DIR"));
  }

  /** The project root: the nearest ancestor holding {@code devstack/pom.xml}. */
  public static Optional<Path> projectRoot() {
    String configured = setting("pghs.project.dir", "PGHS_PROJECT_DIR");
    if (configured != null) {
      return Optional.of(Path.of(configured).toAbsolutePath());
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("devstack/pom.xml"))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * A cache for extracted server binaries shared by runs: {@code PGHS_CACHE_DIR}, else {@code
   * /var/tmp/pg_hardstorage-cache}. World-readable so the unprivileged cluster user can execute
   * them.
   */
  public static Path cacheDir() {
    String configured = setting("pghs.cache.dir", "PGHS_CACHE_DIR");
    Path dir = configured != null ? Path.of(configured) : Path.of("/var/tmp/pg_hardstorage-cache");
    return ensurePublicDir(dir);
  }

  /** Creates {@code dir} (and parents) if needed and makes it {@code rwxr-xr-x}. */
  public static Path ensurePublicDir(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + dir, e);
    }
  }

  /** A fresh world-traversable directory under {@code /tmp} for one run. */
  public static Path newRunDir(String prefix) {
    try {
      return ensurePublicDir(Files.createTempDirectory(Path.of("/tmp"), prefix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run directory under /tmp", e);
    }
  }

  static String setting(String property, String env) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? null : v;
  }
}
