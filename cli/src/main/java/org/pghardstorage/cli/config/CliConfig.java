package org.pghardstorage.cli.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Deployment;

/**
 * {@code pg_hardstorage.yml}: the deployments this host works with, so that flags can be omitted.
 *
 * <p>Where it is read from, first found wins: {@code --config FILE}; {@code $PGHS_CONFIG}; {@code
 * $XDG_CONFIG_HOME/pg_hardstorage/pg_hardstorage.yml} (default {@code
 * ~/.config/pg_hardstorage/pg_hardstorage.yml}); {@code /etc/pg_hardstorage/pg_hardstorage.yml}. No
 * file is fine unless one was named explicitly.
 *
 * @param repository the default repository URL
 * @param deployments deployments by name
 * @param source the file it was read from, if any
 */
public record CliConfig(
    String repository, Map<String, DeploymentConfig> deployments, Optional<Path> source) {
  /** Sorted, never null. */
  public CliConfig {
    deployments = deployments == null ? Map.of() : new TreeMap<>(deployments);
    source = source == null ? Optional.empty() : source;
  }

  /** No configuration file. */
  public static CliConfig empty() {
    return new CliConfig(null, Map.of(), Optional.empty());
  }

  /** The file YAML shape (without {@code source}). */
  record FileShape(String repository, Map<String, DeploymentConfig> deployments) {}

  /** The keys of a deployment's {@code retention} section: the GFS counts. */
  private static final List<String> RETENTION_KEYS =
      List.of("hourly", "daily", "weekly", "monthly", "yearly");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The host-wide file, read last. */
  public static final Path SYSTEM_PATH = Path.of("/etc/pg_hardstorage/pg_hardstorage.yml");

  /** The candidate locations in order, for a given explicit file and environment. */
  public static List<Path> searchPath(Map<String, String> env) {
    List<Path> out = new ArrayList<>();
    if (env.get("PGHS_CONFIG") != null && !env.get("PGHS_CONFIG").isBlank()) {
      out.add(Path.of(env.get("PGHS_CONFIG")));
    }
    userPath(env).ifPresent(out::add);
    out.add(SYSTEM_PATH);
    return out;
  }

  /**
   * The user's file: {@code $XDG_CONFIG_HOME/pg_hardstorage/pg_hardstorage.yml}, else {@code
   * ~/.config/pg_hardstorage/pg_hardstorage.yml}; empty when neither variable is set.
   */
  public static Optional<Path> userPath(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    String home = env.get("HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Optional.of(Path.of(xdg, "pg_hardstorage", "pg_hardstorage.yml"));
    }
    if (home != null && !home.isBlank()) {
      return Optional.of(Path.of(home, ".config", "pg_hardstorage", "pg_hardstorage.yml"));
    }
    return Optional.empty();
  }

  /**
   * Loads the configuration: {@code explicit} must exist; otherwise the first existing file on the
   * search path, or none.
   */
  public static CliConfig load(Optional<Path> explicit, Map<String, String> env) {
    if (explicit.isPresent()) {
      Path p = explicit.get();
      if (!Files.isRegularFile(p)) {
        throw new HardstorageException(
            "config.not_found",
            ExitCode.USAGE,
            "configuration file " + p + " does not exist",
            "check the --config path");
      }
      return read(p);
    }
    for (Path p : searchPath(env)) {
      if (Files.isRegularFile(p) && Files.isReadable(p)) {
        return read(p);
      }
    }
    return empty();
  }

  /** Reads and validates one file. */
  public static CliConfig read(Path file) {
    try {
      FileShape shape = YAML.readValue(file.toFile(), FileShape.class);
      if (shape == null) {
        return new CliConfig(null, Map.of(), Optional.of(file));
      }
      CliConfig c = new CliConfig(shape.repository(), shape.deployments(), Optional.of(file));
      for (String name : c.deployments().keySet()) {
        if (!Deployment.isValid(name)) {
          throw invalid(file, "deployment name '" + name + "' is not valid", null);
        }
        for (String key : c.deployments().get(name).retention().keySet()) {
          if (!RETENTION_KEYS.contains(key)) {
            throw invalid(
                file,
                "unknown retention setting '"
                    + key
                    + "' of deployment "
                    + name
                    + " (known: "
                    + String.join(", ", RETENTION_KEYS)
                    + ")",
                null);
          }
        }
      }
      return c;
    } catch (UnrecognizedPropertyException e) {
      throw invalid(
          file,
          "unknown setting '" + e.getPropertyName() + "' at line " + e.getLocation().getLineNr(),
          e);
    } catch (IOException e) {
      throw invalid(file, e.getMessage(), e);
    }
  }

  /** The configuration of {@code name}, if the file has it. */
  public Optional<DeploymentConfig> deployment(String name) {
    return Optional.ofNullable(deployments.get(name));
  }

  /** The repository of a deployment: its own, else the file's default. */
  public Optional<String> repositoryFor(String name) {
    return deployment(name)
        .map(DeploymentConfig::repository)
        .filter(r -> !r.isBlank())
        .or(() -> Optional.ofNullable(repository).filter(r -> !r.isBlank()));
  }

  /**
   * The repository of a command that names no deployment ({@code list}, {@code repo info}, ...):
   * the file's top-level {@code repository}, else the one repository every deployment names.
   *
   * @throws HardstorageException {@code config.ambiguous_repository} (USAGE) when there is no
   *     top-level repository and the deployments name different ones: which one is meant cannot be
   *     told
   */
  public Optional<String> defaultRepository() {
    if (repository != null && !repository.isBlank()) {
      return Optional.of(repository);
    }
    Map<String, String> byDeployment = new TreeMap<>();
    deployments.keySet().forEach(n -> repositoryFor(n).ifPresent(r -> byDeployment.put(n, r)));
    return agreed(
        byDeployment,
        () ->
            new HardstorageException(
                "config.ambiguous_repository",
                ExitCode.USAGE,
                "no repository given, and the deployments in "
                    + where()
                    + " name different ones: "
                    + byDeployment,
                "name a deployment, pass --repo URL, or set a top-level repository: in the file"));
  }

  /**
   * The key reference ({@code kek}) for {@code url} when no deployment is named: the one the
   * deployments stored in that repository agree on.
   *
   * @throws HardstorageException {@code config.ambiguous_kek} (USAGE) when they name different ones
   */
  public Optional<String> kekFor(String url) {
    Map<String, String> byDeployment = new TreeMap<>();
    deployments.forEach(
        (n, d) -> {
          if (d.kek() != null && repositoryFor(n).filter(url::equals).isPresent()) {
            byDeployment.put(n, d.kek());
          }
        });
    return agreed(
        byDeployment,
        () ->
            new HardstorageException(
                "config.ambiguous_kek",
                ExitCode.USAGE,
                "the deployments of repository "
                    + url
                    + " in "
                    + where()
                    + " name different keys (kek): "
                    + byDeployment.keySet(),
                "name the deployment whose key to use, or pass --passphrase-file FILE"));
  }

  /** The one value all deployments agree on (empty if none has one), else {@code ambiguous}. */
  private static Optional<String> agreed(
      Map<String, String> byDeployment,
      java.util.function.Supplier<HardstorageException> ambiguous) {
    List<String> distinct = byDeployment.values().stream().distinct().toList();
    if (distinct.size() > 1) {
      throw ambiguous.get();
    }
    return distinct.stream().findFirst();
  }

  /** This file's path, for messages. */
  private String where() {
    return source.map(Path::toString).orElse("the configuration");
  }

  /**
   * {@code deployment.unknown} (NOT_FOUND): {@code name} is not in this file; the suggestion lists
   * the deployments it has and the flags that would do instead ({@code flags}).
   */
  public HardstorageException unknownDeployment(String name, String flags) {
    return new HardstorageException(
        "deployment.unknown",
        ExitCode.NOT_FOUND,
        "deployment '" + name + "' is not in " + where(),
        "known deployments: " + deployments.keySet() + "; or pass " + flags);
  }

  private static HardstorageException invalid(Path file, String why, Throwable cause) {
    return new HardstorageException(
        "config.invalid",
        ExitCode.USAGE,
        "configuration file " + file + ": " + why,
        "see docs/reference/configuration.md for the settings",
        cause);
  }
}
