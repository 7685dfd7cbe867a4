package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.cli.init.Attempt;
import org.pghardstorage.cli.init.ConfigFileWriter;
import org.pghardstorage.cli.init.DeploymentNames;
import org.pghardstorage.cli.init.InitDefaults;
import org.pghardstorage.cli.init.InitPlan;
import org.pghardstorage.cli.init.InitResult;
import org.pghardstorage.cli.init.PostgresDetector;
import org.pghardstorage.cli.init.Prompter;
import org.pghardstorage.cli.init.Wizard;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pg_hardstorage init [--quick]}: from nothing to a configured deployment with a backup. */
@Command(
    name = "init",
    description =
        "Set this host up: find the PostgreSQL to protect, create a repository, write"
            + " pg_hardstorage.yml (--config names it; never over an existing file: exit 7) and take"
            + " the first backup."
            + " --quick asks nothing; otherwise a wizard asks, offering what it detected.")
final class InitCommand extends BaseCommand {
  @Option(
      names = "--quick",
      description =
          "Ask nothing: detect PostgreSQL (PGHOST/PGPORT, 127.0.0.1:5432, [::1]:5432, local"
              + " Debian clusters) and a role (PGUSER, else this OS user, else postgres; password"
              + " from PGPASSWORD or ~/.pgpass), use the default repository and configuration"
              + " file.")
  boolean quick;

  @Option(
      names = "--deployment",
      paramLabel = "NAME",
      description = "Deployment name (default: from the server, e.g. local).")
  String deployment;

  @Mixin PgOptions pg;
  @Mixin RepoOptions repoOptions;

  @Override
  protected boolean readsConfiguration() {
    return false; // --config names the file to write
  }

  @Override
  protected ExitCode run(Printer printer) {
    Map<String, String> env = System.getenv();
    Path config = configFile(env);
    if (quick && Files.exists(config)) {
      throw ConfigFileWriter.exists(config); // before anything else is touched
    }
    if (deployment != null) {
      Deployments.parse(deployment);
    }
    String repo = repoOptions.repo != null ? repoOptions.repo : blankToNull(env.get("PGHS_REPO"));
    boolean defaultRepo = repo == null;
    if (defaultRepo) {
      Path home = org.pghardstorage.core.pg.PgEnvironment.systemHome();
      repo = "file://" + InitDefaults.repository(env, home, InitDefaults.SYSTEM_REPOSITORY);
    }
    String connection =
        pg.connection != null ? pg.connection : blankToNull(env.get("PGHS_PG_CONNECTION"));
    PostgresDetector detector = PostgresDetector.system();
    InitPlan plan =
        quick
            ? quickPlan(printer, detector, connection, repo, defaultRepo, config)
            : new Wizard(
                    Prompter.forThisProcess(spec.commandLine().getErr()),
                    detector,
                    new RepositorySystems(repoOptions))
                .ask(new InitPlan.Defaults(connection, deployment, repo, defaultRepo, config));
    InitResult r = new InitRunner(printer, repoOptions, env).run(plan);
    printer.result(r, out -> print(r, out));
    return ExitCode.OK;
  }

  private InitPlan quickPlan(
      Printer printer,
      PostgresDetector detector,
      String connection,
      String repo,
      boolean defaultRepo,
      Path config) {
    PostgresDetector.Detected d =
        connection != null ? detector.check(connection, "--pg-connection") : detector.detect();
    for (Attempt a : d.tried()) {
      printer.progress("detect", Map.of("tried", a.tried(), "outcome", a.outcome()), null);
    }
    printer.note(
        "Found PostgreSQL "
            + d.server().version()
            + ": "
            + d.connInfo().withoutPassword().redacted());
    Endpoint e = d.connInfo().endpoints().get(0);
    String system = d.server().systemIdentifier();
    Optional<String> existing = new RepositorySystems(repoOptions).deploymentOf(repo, system);
    if (existing.isEmpty()) {
      String name = deployment != null ? deployment : DeploymentNames.derive(e.host(), e.port());
      return new InitPlan(d, name, repo, defaultRepo, config, null, null, true, false);
    }
    if (deployment != null && !deployment.equals(existing.get())) {
      throw new HardstorageException(
          "init.system_already_protected",
          ExitCode.CONFLICT,
          "this server (database system "
              + system
              + ") is already deployment "
              + existing.get()
              + " in "
              + repo
              + "; --deployment "
              + deployment
              + " would be a second deployment of it, streaming and storing its WAL twice",
          "run init with --deployment "
              + existing.get()
              + " (or without --deployment) to reuse it, or without --quick to confirm a second"
              + " deployment; nothing was written");
    }
    printer.note(
        "This server (database system "
            + system
            + ") is already deployment "
            + existing.get()
            + " in "
            + repo
            + ": reusing it, its backups and WAL continue.");
    return new InitPlan(d, existing.get(), repo, defaultRepo, config, null, null, true, true);
  }

  private Path configFile(Map<String, String> env) {
    return global
        .configFile()
        .or(() -> InitDefaults.configFile(env))
        .orElseThrow(
            () ->
                new HardstorageException(
                    "init.no_config_path",
                    ExitCode.USAGE,
                    "no place for pg_hardstorage.yml: neither HOME nor XDG_CONFIG_HOME is set",
                    "pass --config FILE"));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void print(InitResult r, PrintWriter out) {
    out.println(
        "Deployment "
            + r.deployment()
            + (r.existingDeployment() ? " (already in the repository, reused)" : "")
            + " is set up.");
    out.println("  PostgreSQL " + r.postgresVersion() + ": " + r.connection());
    out.println(
        "  repository    "
            + r.repository()
            + (r.repositoryCreated() ? " (created)" : " (existing)"));
    out.println("  configuration " + r.configFile());
    if (r.passwordFile() != null) {
      out.println("  password file " + r.passwordFile() + " (mode 0600)");
    }
    if (r.backup() != null) {
      Map<String, Object> b = r.backup();
      out.printf(
          "  first backup  %s: read %s, stored %s, %s s%n",
          b.get("backup_id"),
          Bytes.human(((Number) b.get("bytes_read")).longValue()),
          Bytes.human(((Number) b.get("bytes_stored")).longValue()),
          b.get("duration_seconds"));
    }
    out.println("Next steps:");
    for (int i = 0; i < r.nextSteps().size(); i++) {
      out.println("  " + (i + 1) + ". " + r.nextSteps().get(i));
    }
  }
}
