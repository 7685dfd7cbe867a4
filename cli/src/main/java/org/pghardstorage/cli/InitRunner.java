package org.pghardstorage.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.pghardstorage.cli.init.ConfigFileWriter;
import org.pghardstorage.cli.init.InitDefaults;
import org.pghardstorage.cli.init.InitPlan;
import org.pghardstorage.cli.init.InitResult;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.backup.BackupRequest;
import org.pghardstorage.core.backup.BackupResult;
import org.pghardstorage.core.backup.BackupRunner;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.retry.RetryListener;

/**
 * Carries out a confirmed {@link InitPlan}: the repository (created, or an existing one reused),
 * the password file, the configuration file, the first backup; then says what to do next.
 */
final class InitRunner {
  private final Printer printer;
  private final RepoOptions keys;
  private final Map<String, String> env;

  InitRunner(Printer printer, RepoOptions keys, Map<String, String> env) {
    this.printer = printer;
    this.keys = keys;
    this.env = env;
  }

  InitResult run(InitPlan plan) {
    try {
      if (Files.exists(plan.configFile())) {
        throw ConfigFileWriter.exists(plan.configFile()); // appeared while we were asking
      }
      boolean created = repository(plan);
      if (plan.passwordFile() != null) {
        ConfigFileWriter.writePassword(plan.passwordFile(), plan.password());
      }
      String connection = plan.postgres().connInfo().withoutPassword().redacted();
      ConfigFileWriter.write(
          plan.configFile(),
          ConfigFileWriter.render(
              new ConfigFileWriter.Settings(
                  plan.deployment(), connection, plan.repository(), plan.passwordFile(), kek()),
              Clock.systemUTC().instant()));
      printer.note("Wrote " + plan.configFile() + " with deployment " + plan.deployment() + ".");
      Map<String, Object> backup = plan.backup() ? backup(plan) : null;
      return new InitResult(
          plan.deployment(),
          connection,
          plan.postgres().server().version(),
          plan.repository(),
          created,
          plan.existingDeployment(),
          plan.configFile().toString(),
          plan.passwordFile() == null ? null : plan.passwordFile().toString(),
          backup,
          plan.postgres().tried(),
          nextSteps(plan));
    } finally {
      if (plan.password() != null) {
        Arrays.fill(plan.password(), '\0');
      }
    }
  }

  /** Creates the repository, or opens an existing one; true if created. */
  private boolean repository(InitPlan plan) {
    RepositoryRoots.prepare(plan.repository(), plan.defaultRepository(), false)
        .ifPresent(printer::note);
    RepositoryOptions options = RepositoryOptions.defaults();
    Optional<char[]> passphrase = keys.passphrase();
    if (passphrase.isPresent()) {
      options = options.withPassphrase(passphrase.get());
    }
    try (ObjectStore store = DeploymentContext.openStore(plan.repository(), RetryListener.NONE)) {
      try (Repository created = Repository.init(store, options, keys.openOptions())) {
        printer.note("Created repository " + plan.repository() + ".");
        return true;
      } catch (HardstorageException e) {
        if (!RepositoryErrors.ALREADY_EXISTS.equals(e.code())) {
          throw e;
        }
      }
      try (Repository existing = Repository.open(store, keys.openOptions())) {
        printer.note("Using the existing repository " + plan.repository() + ".");
        return false;
      }
    }
  }

  private Map<String, Object> backup(InitPlan plan) {
    BackupRequest request =
        new BackupRequest(
            Deployment.of(plan.deployment()),
            plan.postgres().connInfo(),
            "pg_hardstorage " + plan.deployment(),
            true,
            OptionalLong.empty(),
            Duration.ofMinutes(5),
            // the slot a streamer of this deployment would use: init and demo configure none
            DeploymentContext.slotFor(Deployment.of(plan.deployment()), Optional.empty()));
    try (ObjectStore store = DeploymentContext.openStore(plan.repository(), RetryListener.NONE);
        Repository repo = Repository.open(store, keys.openOptions())) {
      BackupResult r =
          new BackupRunner(repo, Clock.systemUTC()).run(request, Progress.backup(printer, "  "));
      return BackupCommand.summary(r);
    } catch (HardstorageException e) {
      throw new HardstorageException(
          e.code(),
          e.exitCode(),
          "the first backup failed: " + e.getMessage(),
          e.suggestion().map(s -> s + "; then").orElse("fix the cause, then")
              + " run 'pg_hardstorage backup "
              + plan.deployment()
              + configFlag(plan.configFile())
              + "' (init already wrote "
              + plan.configFile()
              + ")",
          e);
    }
  }

  /** The repository key reference for the configuration, when it lives in a file. */
  private String kek() {
    Path file = keys.passphraseFile;
    if (file == null && env.get("PGHS_PASSPHRASE_FILE") != null) {
      file = Path.of(env.get("PGHS_PASSPHRASE_FILE"));
    }
    return file == null ? null : "passphrase-file:" + file.toAbsolutePath();
  }

  private List<String> nextSteps(InitPlan plan) {
    String d = Shell.quote(plan.deployment());
    String cfg = configFlag(plan.configFile());
    List<String> steps = new ArrayList<>();
    steps.add(
        "Stream WAL for point-in-time recovery: pg_hardstorage wal stream "
            + d
            + cfg
            + " (keep it running under your service manager, e.g. with the distribution's"
            + " systemd/pg_hardstorage-wal-stream@.service, docs/reference/systemd.md: without it"
            + " the WAL between backups is lost to point-in-time recovery)");
    steps.add(
        "Schedule base backups, e.g. daily in crontab: 0 2 * * * "
            + Shell.quote(Launcher.stablePath())
            + " backup "
            + d
            + cfg);
    steps.add("See how it stands: pg_hardstorage status" + cfg);
    if (plan.password() == null && plan.postgres().connInfo().hasExplicitPassword()) {
      steps.add(
          "The password came from PGPASSWORD or --pg-connection and was not stored: later runs"
              + " need it too; put it in ~/.pgpass (mode 0600), or name a password_file in "
              + plan.configFile());
    }
    if (kek() == null && keys.passphrase().isPresent()) {
      steps.add("The repository passphrase came from PGHS_PASSPHRASE: every run needs it too.");
    }
    return steps;
  }

  private String configFlag(Path config) {
    return InitDefaults.foundByDefault(config, env)
        ? ""
        : " --config " + Shell.quote(config.toAbsolutePath().toString());
  }
}
