package org.pghardstorage.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.DamagedObject;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryConfig;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage repo ...}: create, inspect and repair repositories. */
@Command(
    name = "repo",
    description = "Create, inspect and repair repositories.",
    subcommands = {
      RepoCommand.Init.class,
      RepoCommand.Info.class,
      RepoIndexCommand.class,
      RepoLockCommands.Locks.class,
      RepoLockCommands.Unlock.class
    })
final class RepoCommand {

  /** {@code repo init <url>}. */
  @Command(name = "init", description = "Create a new, empty repository at URL.")
  static final class Init extends BaseCommand {
    @Parameters(
        index = "0",
        paramLabel = "URL",
        description = "Where to create it, e.g. file:///srv/pghs.")
    String url;

    @Option(
        names = "--encryption",
        paramLabel = "MODE",
        description =
            "none, or aes-256-gcm (needs a passphrase: --passphrase-file or PGHS_PASSPHRASE)."
                + " Default: aes-256-gcm when a passphrase is given, else none.")
    String encryption;

    @Option(
        names = "--group-readable",
        description =
            "Filesystem repositories only: let the directory's group read the repository"
                + " (directories 2750, files 0640) instead of only its owner (0700/0600), so that"
                + " PostgreSQL's OS user, in that group, can run restore_command. The choice is"
                + " kept in the root directory's mode, which every later writer follows.")
    boolean groupReadable;

    @Option(
        names = "--compression-level",
        paramLabel = "N",
        description =
            "zstd level of backup data (1..19, or a fast level -100..-1). Default: "
                + RepositoryOptions.DEFAULT_COMPRESSION_LEVEL
                + ". Lower is faster and stores more; readers need no setting.")
    Integer compressionLevel;

    @Option(
        names = "--wal-compression-level",
        paramLabel = "N",
        description =
            "zstd level of archived WAL (same range). Default: "
                + RepositoryOptions.DEFAULT_WAL_COMPRESSION_LEVEL
                + ", so that the streamer keeps pace with PostgreSQL on few cores.")
    Integer walCompressionLevel;

    @Mixin RepoOptions keys;

    @Override
    protected ExitCode run(Printer printer) {
      keys.withPositionalUrl(url);
      Optional<char[]> passphrase = keys.passphrase();
      String mode =
          encryption != null ? encryption : passphrase.isPresent() ? "aes-256-gcm" : "none";
      RepositoryOptions options = RepositoryOptions.defaults();
      if (compressionLevel != null) {
        options = options.withCompressionLevel(compressionLevel);
      }
      if (walCompressionLevel != null) {
        options = options.withWalCompressionLevel(walCompressionLevel);
      }
      switch (mode) {
        case "none" -> {}
        case "aes-256-gcm" ->
            options =
                options.withPassphrase(
                    passphrase.orElseThrow(
                        () ->
                            new HardstorageException(
                                "usage.passphrase_required",
                                ExitCode.USAGE,
                                "--encryption aes-256-gcm needs a passphrase",
                                "pass --passphrase-file FILE or set PGHS_PASSPHRASE")));
        default ->
            throw new HardstorageException(
                "usage.bad_encryption",
                ExitCode.USAGE,
                "unknown encryption mode '" + mode + "'",
                "use none or aes-256-gcm");
      }
      RepositoryRoots.prepare(url, false, groupReadable).ifPresent(printer::note);
      try (ObjectStore store = keys.store();
          Repository repo = Repository.init(store, options, keys.openOptions())) {
        Map<String, Object> result = describe(repo, keys.url());
        printer.result(
            result,
            out -> {
              out.println("Created repository " + keys.url());
              out.println(
                  "  format "
                      + result.get("format_version")
                      + ", id "
                      + result.get("repository_id")
                      + ", encryption "
                      + result.get("encryption")
                      + ", zstd level "
                      + result.get("compression_level")
                      + " (WAL "
                      + result.get("wal_compression_level")
                      + ")");
              if ("none".equals(result.get("encryption"))) {
                out.println(
                    "  Note: the repository is not encrypted. Use --encryption aes-256-gcm with a"
                        + " passphrase to encrypt.");
              }
            });
      }
      return ExitCode.OK;
    }
  }

  /** {@code repo info [url]}. */
  @Command(
      name = "info",
      description =
          "Show a repository's format, id, encryption and contents. The repository is URL, --repo"
              + " URL, or the configuration's.")
  static final class Info extends BaseCommand {
    @Mixin RepoUrlArgument url;
    @Mixin RepoOptions repoOptions;

    @Override
    protected ExitCode run(Printer printer) {
      try (OpenedRepository o = url.applyTo(repoOptions).open()) {
        Map<String, Object> result = describe(o.repository(), repoOptions.url());
        result.put(
            "deployments",
            o.repository().listDeployments().stream().map(Object::toString).toList());
        result.put(
            "damaged_index_objects",
            o.repository().damagedIndexFiles().stream().map(DamagedObject::key).toList());
        printer.result(
            result,
            out -> {
              out.println("Repository " + repoOptions.url());
              result.forEach((k, v) -> out.println("  " + k + ": " + v));
            });
      }
      return ExitCode.OK;
    }
  }

  static Map<String, Object> describe(Repository repo, String url) {
    RepositoryConfig c = repo.config();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", url);
    m.put("format_version", c.format());
    m.put("repository_id", c.repositoryId());
    m.put("encryption", c.encryption().configName());
    m.put("compression_level", c.compressionLevel());
    m.put("wal_compression_level", c.walCompressionLevel());
    m.put("created_at", c.createdAt().toString());
    return m;
  }
}
