package org.pghardstorage.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.pghardstorage.cli.config.CliConfig;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.RecoveryKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStores;
import picocli.CommandLine.Option;

/** Where the repository is, and its key material. */
public final class RepoOptions {
  @Option(
      names = "--repo",
      paramLabel = "URL",
      description =
          "Repository URL: file:///srv/pg_hardstorage or s3://bucket/prefix?region=R (env:"
              + " PGHS_REPO).")
  String repo;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description =
          "File holding the passphrase of an encrypted repository (env: PGHS_PASSPHRASE_FILE, or"
              + " the passphrase itself in PGHS_PASSPHRASE).")
  Path passphraseFile;

  private String deployment;

  /** Sets the deployment whose configured repository and key apply when flags omit them. */
  public RepoOptions forDeployment(String name) {
    this.deployment = name;
    return this;
  }

  /** The repository URL: the option, else {@code PGHS_REPO}, else the configuration file. */
  public String url() {
    String url = repo != null ? repo : System.getenv("PGHS_REPO");
    CliConfig config = ConfigHolder.current();
    if ((url == null || url.isBlank()) && deployment != null) {
      url = config.repositoryFor(deployment).orElse(null);
      if (url == null
          && !config.deployments().isEmpty()
          && config.deployment(deployment).isEmpty()) {
        throw new HardstorageException(
            "deployment.unknown",
            ExitCode.NOT_FOUND,
            "deployment '"
                + deployment
                + "' is not in "
                + config.source().map(Path::toString).orElse("the configuration"),
            "known deployments: "
                + config.deployments().keySet()
                + "; or pass --repo and --pg-connection");
      }
    }
    if (url == null || url.isBlank()) {
      throw new HardstorageException(
          "usage.no_repo",
          ExitCode.USAGE,
          "no repository given",
          "pass --repo file:///path/to/repository, set PGHS_REPO, or configure the deployment in"
              + " pg_hardstorage.yml");
    }
    return url;
  }

  /** The passphrase file: the option, else {@code PGHS_PASSPHRASE_FILE}, else the configuration. */
  private Optional<Path> passphraseFile() {
    Path file = passphraseFile;
    if (file == null && System.getenv("PGHS_PASSPHRASE_FILE") != null) {
      file = Path.of(System.getenv("PGHS_PASSPHRASE_FILE"));
    }
    if (file == null && deployment != null) {
      file =
          ConfigHolder.current()
              .deployment(deployment)
              .map(DeploymentConfig::kek)
              .filter(k -> k.startsWith("passphrase-file:"))
              .map(k -> Path.of(k.substring("passphrase-file:".length())))
              .orElse(null);
    }
    return Optional.ofNullable(file);
  }

  /**
   * How a restored cluster's {@code restore_command} can get the key this command was given: the
   * same passphrase file, or nothing it can use when the passphrase came from the environment.
   */
  public RecoveryKey recoveryKey() {
    Optional<Path> file = passphraseFile();
    if (file.isPresent()) {
      return new RecoveryKey.PassphraseFile(file.get().toAbsolutePath().normalize());
    }
    String env = System.getenv("PGHS_PASSPHRASE");
    return env == null || env.isEmpty()
        ? RecoveryKey.none()
        : new RecoveryKey.Unavailable("the environment variable PGHS_PASSPHRASE");
  }

  /** The passphrase, if one is configured. Never logged. */
  public Optional<char[]> passphrase() {
    Path file = passphraseFile().orElse(null);
    if (file != null) {
      try {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
          throw new HardstorageException(
              "usage.passphrase_empty",
              ExitCode.USAGE,
              "passphrase file " + file + " is empty",
              null);
        }
        return Optional.of(s.toCharArray());
      } catch (NoSuchFileException e) {
        throw new HardstorageException(
            "usage.passphrase_missing",
            ExitCode.USAGE,
            "passphrase file " + file + " does not exist",
            null);
      } catch (IOException e) {
        throw new HardstorageException(
            "usage.passphrase_unreadable",
            ExitCode.USAGE,
            "cannot read passphrase file " + file + ": " + e.getMessage(),
            null,
            e);
      }
    }
    String env = System.getenv("PGHS_PASSPHRASE");
    return env == null || env.isEmpty() ? Optional.empty() : Optional.of(env.toCharArray());
  }

  /** Opens the store behind the URL (nothing is read yet). */
  public ObjectStore store() {
    return ObjectStores.open(url());
  }

  /** Open options carrying the passphrase, if any. */
  public OpenOptions openOptions() {
    OpenOptions o = OpenOptions.defaults();
    Optional<char[]> p = passphrase();
    return p.isPresent() ? o.withPassphrase(p.get()) : o;
  }

  /** Opens the repository for WAL work only: fast, no chunk index loaded. */
  public OpenedRepository openForWal() {
    return OpenedRepository.open(store(), openOptions(), true);
  }

  /** Opens the repository (checks that it exists and its format version). */
  public OpenedRepository open() {
    return OpenedRepository.open(store(), openOptions(), false);
  }
}
