package org.pghardstorage.ejb.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Where a deployment's secret references may point, from the server's MicroProfile Config. Without
 * it, whoever may create a deployment could make the server read any file or environment variable
 * it can read and send it as a password to a host of their choosing.
 *
 * <ul>
 *   <li>{@value #FILE_DIRECTORIES}: directories a {@code file:} reference must lie inside, after
 *       symbolic links and {@code ..} are resolved (default {@value #DEFAULT_FILE_DIRECTORY}). Also
 *       governs an S3 repository URL's {@code credentials_file}.
 *   <li>{@value #ENV_PREFIXES}: prefixes an {@code env:} variable name must start with (default
 *       {@value #DEFAULT_ENV_PREFIX}).
 *   <li>{@value #ALIAS_PREFIXES}: prefixes an {@code alias:} name must start with (default {@value
 *       #DEFAULT_ALIAS_PREFIX}); the server's own aliases, such as the catalogue password, stay out
 *       of reach.
 * </ul>
 *
 * Each takes a comma-separated list, or {@code none} to refuse that kind of reference altogether.
 *
 * @param fileDirectories absolute directories, as configured
 * @param envPrefixes environment variable name prefixes
 * @param aliasPrefixes password alias name prefixes
 */
public record SecretPolicy(
    List<Path> fileDirectories, List<String> envPrefixes, List<String> aliasPrefixes) {
  /** The property naming the directories of {@code file:} secrets. */
  public static final String FILE_DIRECTORIES = "pghs.secrets.file.directories";

  /** The property naming the prefixes of {@code env:} secrets. */
  public static final String ENV_PREFIXES = "pghs.secrets.env.prefixes";

  /** The property naming the prefixes of {@code alias:} secrets. */
  public static final String ALIAS_PREFIXES = "pghs.secrets.alias.prefixes";

  static final String DEFAULT_FILE_DIRECTORY = "/etc/pg_hardstorage/secrets";
  static final String DEFAULT_ENV_PREFIX = "PGHS_SECRET_";
  static final String DEFAULT_ALIAS_PREFIX = "pghs-secret-";
  private static final String NONE = "none";

  /** Copies the lists. */
  public SecretPolicy {
    fileDirectories = List.copyOf(fileDirectories);
    envPrefixes = List.copyOf(envPrefixes);
    aliasPrefixes = List.copyOf(aliasPrefixes);
  }

  /**
   * The policy {@code property} (a configuration lookup) describes, with the defaults for what it
   * does not set.
   *
   * @throws HardstorageException {@code server.config_invalid} for a relative directory or an empty
   *     prefix
   */
  public static SecretPolicy from(Function<String, Optional<String>> property) {
    List<Path> dirs =
        list(property, FILE_DIRECTORIES, DEFAULT_FILE_DIRECTORY).stream().map(Path::of).toList();
    for (Path d : dirs) {
      if (!d.isAbsolute()) {
        throw invalidConfig(FILE_DIRECTORIES, d + " is not an absolute path");
      }
    }
    return new SecretPolicy(
        dirs,
        list(property, ENV_PREFIXES, DEFAULT_ENV_PREFIX),
        list(property, ALIAS_PREFIXES, DEFAULT_ALIAS_PREFIX));
  }

  private static List<String> list(
      Function<String, Optional<String>> property, String name, String fallback) {
    String value = property.apply(name).orElse(fallback).strip();
    if (value.equals(NONE)) {
      return List.of();
    }
    List<String> items = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
    if (items.stream().anyMatch(String::isEmpty)) {
      // an empty prefix would allow every name: a typo must not open everything
      throw invalidConfig(name, "'" + value + "' has an empty entry");
    }
    return items;
  }

  /**
   * Refuses {@code ref} unless it points where this policy allows. A {@code file:} reference is
   * judged by its real path when the file exists (links and {@code ..} resolved), else by its
   * normalised path (it is judged again, for real, whenever it is resolved).
   *
   * @throws HardstorageException {@code deployment.secret_not_allowed} (USAGE) naming the reference
   *     and the rule
   */
  void check(String ref, String kind, String name) {
    switch (kind) {
      case "file" -> checkFile(ref, Path.of(name));
      case "env" -> checkPrefix(ref, name, envPrefixes, ENV_PREFIXES, "environment variable");
      default -> checkPrefix(ref, name, aliasPrefixes, ALIAS_PREFIXES, "password alias");
    }
  }

  /**
   * The real path of an existing allowed file: what may be read.
   *
   * @throws HardstorageException {@code deployment.secret_not_allowed} as {@link #check}, or
   *     IOException when it does not exist or cannot be resolved
   */
  Path realFile(String ref, Path file) throws IOException {
    Path real = file.toRealPath();
    if (!inside(real, true)) {
      throw notAllowed(
          ref,
          "it resolves to "
              + real
              + ", outside "
              + describe(fileDirectories)
              + " ("
              + FILE_DIRECTORIES
              + ")",
          fileSuggestion());
    }
    return real;
  }

  void checkFile(String ref, Path file) {
    if (!file.isAbsolute()) {
      throw notAllowed(ref, "a file reference must be an absolute path", fileSuggestion());
    }
    if (Files.exists(file)) {
      try {
        realFile(ref, file);
        return;
      } catch (IOException e) {
        // cannot resolve it now: judge the name, and resolution will judge the file
      }
    }
    if (!inside(file.normalize(), false)) {
      throw notAllowed(
          ref,
          "file references must name a file inside "
              + describe(fileDirectories)
              + " ("
              + FILE_DIRECTORIES
              + ")",
          fileSuggestion());
    }
  }

  private boolean inside(Path path, boolean real) {
    for (Path dir : fileDirectories) {
      Path base = dir.normalize();
      if (real) {
        try {
          base = dir.toRealPath();
        } catch (IOException e) {
          continue; // a directory that does not exist holds nothing
        }
      }
      if (path.startsWith(base) && !path.equals(base)) {
        return true;
      }
    }
    return false;
  }

  private static void checkPrefix(
      String ref, String name, List<String> prefixes, String property, String what) {
    if (prefixes.stream().noneMatch(name::startsWith)) {
      throw notAllowed(
          ref,
          what + " names must start with " + describe(prefixes) + " (" + property + ")",
          "use a name with "
              + (prefixes.isEmpty() ? "an allowed prefix" : "the prefix " + prefixes.get(0))
              + ", or have the server's administrator change "
              + property);
    }
  }

  private String fileSuggestion() {
    return "put the secret in a file inside "
        + (fileDirectories.isEmpty() ? "an allowed directory" : fileDirectories.get(0))
        + " (mode 0600, readable by the server's OS user), or have the server's administrator"
        + " add its directory to "
        + FILE_DIRECTORIES;
  }

  private static String describe(List<?> items) {
    return items.isEmpty()
        ? "nothing (this kind of reference is switched off)"
        : items.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", "));
  }

  private static HardstorageException notAllowed(String ref, String rule, String suggestion) {
    return new HardstorageException(
        "deployment.secret_not_allowed",
        ExitCode.USAGE,
        "the secret reference '" + ref + "' is not allowed on this server: " + rule,
        suggestion);
  }

  private static HardstorageException invalidConfig(String property, String why) {
    return new HardstorageException(
        "server.config_invalid",
        ExitCode.ERROR,
        "the server's configuration property " + property + " is invalid: " + why,
        "correct it (MicroProfile Config: asadmin set-config-property, a system property or the"
            + " environment) and restart the server");
  }
}
