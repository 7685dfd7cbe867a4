package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Where things are. For tests and {@code up}, server distributions come from {@code
 * devstack/target/dist} (filled by the Maven build from Maven Central), located through the system
 * property or environment variable {@code pghs.dist.dir} / {@code PGHS_DIST_DIR}, else by walking
 * up from the working directory to the project root; an installed command line finds its own with
 * {@link PgBinariesJar}. Extracted binaries and runtime state go under a world-traversable
 * directory, never under root's home, because PostgreSQL runs as an unprivileged user and must
 * reach them.
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

  /**
   * Creates {@code dir} (and parents) if needed and makes it {@code rwxr-xr-x}. A directory that
   * already has that mode is left alone, so another user's shared directory is usable too.
   */
  public static Path ensurePublicDir(Path dir) {
    Set<PosixFilePermission> wanted = PosixFilePermissions.fromString("rwxr-xr-x");
    try {
      Files.createDirectories(dir);
      if (!Files.getPosixFilePermissions(dir).equals(wanted)) {
        Files.setPosixFilePermissions(dir, wanted);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + dir, e);
    }
  }

  /**
   * Deletes {@code root} and everything below it, symbolic links not followed. A missing {@code
   * root} is fine, and so is another thread or process deleting the same tree at the same time (an
   * exit hook and its owner both cleaning up): what is already gone is skipped.
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
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
