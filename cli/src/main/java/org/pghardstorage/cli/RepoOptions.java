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
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.deployment.SecretResolver;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.restore.RecoveryKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.retry.RetryListener;
import picocli.CommandLine.Option;

/** Where the repository is, and its key material. */
public final class RepoOptions {
  @Option(
      names = "--repo",
      paramLabel = "URL",
      description =
          "Repository URL: file:///srv/pg_hardstorage or s3://bucket/prefix?region=R (env:"
              + " PGHS_REPO; default: the deployment's repository in pg_hardstorage.yml, else its"
              + " top-level repository).")
  String repo;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description =
          "File holding the passphrase of an encrypted repository (env: PGHS_PASSPHRASE_FILE, or"
              + " the passphrase itself in PGHS_PASSPHRASE; default: the deployment's kek in"
              + " pg_hardstorage.yml).")
  Path passphraseFile;

  private String deployment;

  /** Sets the deployment whose configured repository and key apply when flags omit them. */
  public RepoOptions forDeployment(String name) {
    this.deployment = name;
    return this;
  }

  /**
   * Takes the URL given as a command's positional argument ({@code repo info URL}) as if it were
   * {@code --repo URL}.
   *
   * @throws HardstorageException {@code usage.repo_twice} (USAGE) when {@code --repo} names another
   *     repository
   */
  public RepoOptions withPositionalUrl(String url) {
    if (url == null) {
      return this;
    }
    if (repo != null && !repo.equals(url)) {
      throw new HardstorageException(
          "usage.repo_twice",
          ExitCode.USAGE,
          "two different repositories given: " + url + " and --repo " + repo,
          "give the repository once, either as the argument or with --repo");
    }
    repo = url;
    return this;
  }

  /**
   * The repository URL: {@code --repo}, else {@code PGHS_REPO}, else the configuration file: the
   * named deployment's repository, else the file's top-level one (see {@link
   * CliConfig#defaultRepository()}).
   *
   * @throws HardstorageException {@code usage.no_repo} (USAGE) when none of them gives one, {@code
   *     deployment.unknown} (NOT_FOUND) for a deployment the file does not list when it names no
   *     repository for unlisted ones
   */
  public String url() {
    String url = repo != null ? repo : System.getenv("PGHS_REPO");
    if (url != null && !url.isBlank()) {
      return url;
    }
    CliConfig config = ConfigHolder.current();
    Optional<String> configured =
        deployment != null ? config.repositoryFor(deployment) : config.defaultRepository();
    if (configured.isPresent()) {
      return configured.get();
    }
    if (deployment != null
        && !config.deployments().isEmpty()
        && config.deployment(deployment).isEmpty()) {
      throw config.unknownDeployment(deployment, "--repo and --pg-connection");
    }
    throw new HardstorageException(
        "usage.no_repo",
        ExitCode.USAGE,
        "no repository given",
        "pass --repo file:///path/to/repository, set PGHS_REPO, or set repository: in "
            + config
                .source()
                .map(Path::toString)
                .orElse(
                    "pg_hardstorage.yml (none was found; looked for "
                        + CliConfig.searchPath(System.getenv())
                        + ")"));
  }

  /**
   * Where this run's repository key lives, as the one reference syntax: {@code --passphrase-file},
   * else {@code PGHS_PASSPHRASE_FILE}, else the configuration's {@code kek} (as {@code file:}),
   * else {@code PGHS_PASSPHRASE} (as {@code env:}); empty for an unencrypted repository.
   */
  Optional<SecretRef> kekRef() {
    Optional<Path> file = passphraseFile();
    if (file.isPresent()) {
      return Optional.of(SecretRef.file(file.get().toString()));
    }
    String env = System.getenv(PASSPHRASE_ENV);
    return env == null || env.isEmpty()
        ? Optional.empty()
        : Optional.of(SecretRef.env(PASSPHRASE_ENV));
  }

  private static final String PASSPHRASE_ENV = "PGHS_PASSPHRASE";

  /** The passphrase file: the option, else {@code PGHS_PASSPHRASE_FILE}, else the configuration. */
  private Optional<Path> passphraseFile() {
    Path file = passphraseFile;
    if (file == null && System.getenv("PGHS_PASSPHRASE_FILE") != null) {
      file = Path.of(System.getenv("PGHS_PASSPHRASE_FILE"));
    }
    if (file == null) {
      file = configuredKek().map(RepoOptions::kekFile).orElse(null);
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
    return kekRef().map(RepoOptions::readKey);
  }

  /**
   * The key {@code ref} names: a key file is read whole, surrounding white space removed (how the
   * command line has always read passphrase files, so an existing repository keeps opening), an
   * environment variable as it is.
   */
  static char[] readKey(SecretRef ref) {
    return ref.kind() == SecretRef.Kind.FILE
        ? readPassphrase(Path.of(ref.name()))
        : SecretResolver.local(System::getenv).resolve(ref).toCharArray();
  }

  /**
   * The {@code kek} the configuration gives for this run: the named deployment's, or, with none
   * named, the one the deployments in the repository in use agree on.
   */
  private Optional<String> configuredKek() {
    CliConfig config = ConfigHolder.current();
    if (deployment != null) {
      return config.deployment(deployment).map(DeploymentConfig::kek);
    }
    if (config.deployments().isEmpty()) {
      return Optional.empty();
    }
    String url = repo != null ? repo : System.getenv("PGHS_REPO");
    if (url == null || url.isBlank()) {
      url = config.defaultRepository().orElse(null);
    }
    return url == null ? Optional.empty() : config.kekFor(url);
  }

  /**
   * The file of a configured {@code kek}: {@code file:/path} (the one reference syntax) or {@code
   * passphrase-file:/path} (this file's documented form, still accepted).
   */
  private static Path kekFile(String kek) {
    if (kek.startsWith(KEK_FILE)) {
      return Path.of(kek.substring(KEK_FILE.length()));
    }
    if (SecretRef.isReference(kek) && SecretRef.parse(kek, "kek").kind() == SecretRef.Kind.FILE) {
      return Path.of(SecretRef.parse(kek, "kek").name());
    }
    throw new HardstorageException(
        "config.bad_kek",
        ExitCode.USAGE,
        "unsupported kek '" + kek + "' in " + ConfigHolder.current().source().orElse(null),
        "write kek: file:/path/to/passphrase-file (or the older kek: "
            + KEK_FILE
            + "/path/to/passphrase-file)");
  }

  private static final String KEK_FILE = "passphrase-file:";

  private static char[] readPassphrase(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new HardstorageException(
            "usage.passphrase_empty",
            ExitCode.USAGE,
            "passphrase file " + file + " is empty",
            null);
      }
      return s.toCharArray();
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

  /**
   * {@code e} with a suggestion that says how to give the key when it is {@code
   * crypto.key_required}; any other exception unchanged.
   */
  static HardstorageException explainKey(HardstorageException e) {
    if (!RepositoryErrors.KEY_REQUIRED.equals(e.code())) {
      return e;
    }
    String config =
        ConfigHolder.current()
            .source()
            .map(Path::toString)
            .orElse("pg_hardstorage.yml (" + CliConfig.SYSTEM_PATH + " or --config FILE)");
    String how =
        "give the repository passphrase: --passphrase-file FILE (a file holding only the"
            + " passphrase), or PGHS_PASSPHRASE_FILE=FILE in the environment, or the line"
            + " 'kek: passphrase-file:FILE' under the deployment in "
            + config;
    if (e.suggestion().filter(how::equals).isPresent()) {
      return e; // explained already, where the repository was opened
    }
    return new HardstorageException(e.code(), e.exitCode(), e.getMessage(), how, e);
  }

  /**
   * Opens the store behind the URL (nothing is read yet) behind the one retry policy, as the server
   * does ({@link DeploymentContext#openStore}).
   */
  public ObjectStore store() {
    return DeploymentContext.openStore(url(), RetryListener.NONE);
  }

  /** Open options carrying the passphrase, if any. */
  public OpenOptions openOptions() {
    OpenOptions o = OpenOptions.defaults();
    Optional<char[]> p = passphrase();
    return p.isPresent() ? o.withPassphrase(p.get()) : o;
  }

  /** Opens the repository for WAL work only: fast, no chunk index loaded. */
  public OpenedRepository openForWal() {
    return open(true);
  }

  /** Opens the repository (checks that it exists and its format version). */
  public OpenedRepository open() {
    return open(false);
  }

  private OpenedRepository open(boolean walOnly) {
    try {
      return OpenedRepository.open(store(), openOptions(), walOnly);
    } catch (HardstorageException e) {
      throw explainKey(e);
    }
  }
}
