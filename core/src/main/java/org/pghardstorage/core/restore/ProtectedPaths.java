package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Directories a restore must never delete or write into, whatever a manifest or an option says: the
 * file system root, every home directory (the current user's and each one in {@code /etc/passwd}),
 * the operating system's own directories, and the repository being restored from. Paths are
 * compared after resolving links, so a link cannot smuggle a protected directory in.
 */
final class ProtectedPaths {
  /** Top-level directories of the operating system; below {@code /var} and {@code /srv} is fine. */
  private static final List<String> SYSTEM =
      List.of(
          "/bin",
          "/boot",
          "/dev",
          "/etc",
          "/lib",
          "/lib32",
          "/lib64",
          "/libx32",
          "/proc",
          "/root",
          "/run",
          "/sbin",
          "/sys",
          "/usr",
          "/var",
          "/home",
          "/srv",
          "/opt",
          "/mnt",
          "/media",
          "/tmp",
          "/var/lib",
          "/var/tmp");

  /**
   * Below these nothing may be written either (not only not wiped). {@code /usr} is not among them:
   * {@code /usr/local/pgsql/data} is a classic data directory an operator may choose.
   */
  private static final List<String> SYSTEM_TREES =
      List.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sbin", "/sys");

  /** Where a location recorded in a manifest may not point, besides {@link #SYSTEM_TREES}. */
  private static final List<String> NOT_RECORDED = List.of("/usr", "/root");

  private final List<Path> homes;
  private final Optional<Path> repository;

  ProtectedPaths(List<Path> homes, Optional<Path> repository) {
    List<Path> real = new ArrayList<>();
    homes.forEach(h -> real.add(real(h)));
    this.homes = List.copyOf(real);
    this.repository = repository.map(ProtectedPaths::real);
  }

  /** The current user's home, every home in {@code /etc/passwd}, and {@code repository}. */
  static ProtectedPaths forThisHost(Optional<Path> repository) {
    Set<Path> homes = new LinkedHashSet<>();
    String own = System.getProperty("user.home");
    if (own != null && !own.isBlank()) {
      homes.add(Path.of(own));
    }
    homes.addAll(passwdHomes(Path.of("/etc/passwd")));
    return new ProtectedPaths(new ArrayList<>(homes), repository);
  }

  /** Home directories named in a passwd file; none if it cannot be read. */
  static List<Path> passwdHomes(Path passwd) {
    List<Path> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 7 && f[5].startsWith("/") && !f[5].equals("/")) {
          out.add(Path.of(f[5]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no passwd file (a container, another OS): the current user's home is still protected
    }
    return out;
  }

  /**
   * Why {@code dir} must not be emptied: it is the root, a home or system directory, one of their
   * ancestors, or holds or lies in the repository.
   */
  Optional<String> whyNotToWipe(Path dir) {
    Path real = real(dir);
    if (real.getParent() == null) {
      return Optional.of("it is the root directory");
    }
    for (String s : SYSTEM) {
      if (Path.of(s).startsWith(real)) {
        return Optional.of(
            real.equals(Path.of(s))
                ? "it is the system directory " + s
                : "it contains the system directory " + s);
      }
    }
    for (Path home : homes) {
      if (home.startsWith(real)) {
        return Optional.of(
            real.equals(home)
                ? "it is the home directory " + home
                : "it contains the home directory " + home);
      }
    }
    return whyNotToWriteInto(dir);
  }

  /** Why nothing may be written below {@code dir}: the repository, or a system tree. */
  Optional<String> whyNotToWriteInto(Path dir) {
    Path real = real(dir);
    if (repository.isPresent()) {
      Path repo = repository.get();
      if (repo.startsWith(real)) {
        return Optional.of(
            real.equals(repo)
                ? "it is the repository being restored from"
                : "it contains the repository " + repo);
      }
      if (real.startsWith(repo)) {
        return Optional.of("it lies inside the repository " + repo);
      }
    }
    for (String s : SYSTEM_TREES) {
      if (real.startsWith(Path.of(s))) {
        return Optional.of("it lies in the system directory " + s);
      }
    }
    return Optional.empty();
  }

  /**
   * Why a tablespace location recorded in a manifest must not be used as it is: besides what {@link
   * #whyNotToWipe} protects, no home directory or hidden directory ({@code ~/.ssh}) may receive a
   * tablespace the operator did not place there.
   */
  Optional<String> whyNotARecordedLocation(String location) {
    Path p = Path.of(location);
    if (!p.isAbsolute() || !p.normalize().toString().equals(location)) {
      return Optional.of("it is not an absolute, normalised path");
    }
    for (Path segment : p) {
      if (segment.toString().startsWith(".")) {
        return Optional.of("it lies in a hidden directory");
      }
    }
    Path real = real(p);
    for (String s : NOT_RECORDED) {
      if (real.startsWith(Path.of(s))) {
        return Optional.of("it lies in the system directory " + s);
      }
    }
    for (Path home : homes) {
      if (real.startsWith(home)) {
        return Optional.of("it lies in the home directory " + home);
      }
    }
    Optional<String> wipe = whyNotToWipe(p);
    return wipe.isPresent() ? wipe : Optional.empty();
  }

  /**
   * The path with every link resolved as far as it exists; the rest appended as given. A missing
   * directory cannot be anything protected itself, but its existing ancestors may be links.
   */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    List<Path> rest = new ArrayList<>();
    while (existing != null && !Files.exists(existing)) {
      rest.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      Path out = existing.toRealPath();
      for (Path r : rest) {
        out = out.resolve(r);
      }
      return out;
    } catch (IOException e) {
      return abs;
    }
  }
}
