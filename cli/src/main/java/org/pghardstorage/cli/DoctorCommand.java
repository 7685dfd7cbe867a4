package org.pghardstorage.cli;

import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.pghardstorage.cli.config.CliConfig;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.Version;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.core.status.Summarizer;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.wal.PreflightCheck;
import org.pghardstorage.core.wal.WalPreflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pg_hardstorage doctor [deployment]}: a self-diagnosis. Exit 10 when it finds issues
 * (warnings included), 0 when everything passes.
 */
@Command(
    name = "doctor",
    description =
        "Diagnose this installation and every configured deployment (or DEPLOYMENT): Java and"
            + " version, configuration, repository, PostgreSQL and preflight, slot, clock skew,"
            + " free disk, age of the last backup and of the last verified restore. Exit 10 on"
            + " issues.")
final class DoctorCommand extends BaseCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT")
  String deployment;

  @Mixin RepoOptions repoOptions;
  @Mixin PgOptions pg;

  @Option(
      names = "--max-backup-age",
      paramLabel = "HOURS",
      defaultValue = "26",
      description = "Warn when the newest backup is older (default: ${DEFAULT-VALUE}).")
  long maxBackupAgeHours;

  @Option(
      names = "--max-verify-age",
      paramLabel = "DAYS",
      defaultValue = "8",
      description = "Warn when no backup was verified more recently (default: ${DEFAULT-VALUE}).")
  long maxVerifyAgeDays;

  /** One finding. */
  record Finding(String scope, String check, String status, String detail, String suggestion) {}

  private final List<Finding> findings = new ArrayList<>();

  @Override
  protected ExitCode run(Printer printer) {
    String java = System.getProperty("java.version");
    add(
        "installation",
        "version",
        Runtime.version().feature() >= 17 ? "PASS" : "FAIL",
        "pg_hardstorage " + Version.current() + " on Java " + java,
        "install Java 17 or newer");
    CliConfig config = ConfigHolder.current();
    if (config.source().isPresent()) {
      add(
          "installation",
          "configuration",
          "PASS",
          config.source().get() + " with " + Counts.of(config.deployments().size(), "deployment"),
          null);
    } else {
      add(
          "installation",
          "configuration",
          deployment == null ? "WARN" : "PASS",
          "no pg_hardstorage.yml found",
          "create one (see docs/reference/configuration.md) or run pg_hardstorage init");
    }
    TreeSet<String> names = new TreeSet<>(config.deployments().keySet());
    if (deployment != null) {
      names.clear();
      names.add(deployment);
    }
    for (String name : names) {
      deployment(name);
    }
    boolean issues = findings.stream().anyMatch(f -> !f.status().equals("PASS"));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", !issues);
    result.put("findings", findings);
    printer.result(
        result,
        out -> {
          String scope = "";
          for (Finding f : findings) {
            if (!f.scope().equals(scope)) {
              scope = f.scope();
              out.println(scope);
            }
            out.printf("  %-4s %-36s %s%n", f.status(), f.check(), f.detail());
            if (f.suggestion() != null && !f.status().equals("PASS")) {
              out.printf("       %-36s fix: %s%n", "", f.suggestion());
            }
          }
          out.println(issues ? "Issues found." : "All checks passed.");
        });
    return issues ? ExitCode.DOCTOR_ISSUES : ExitCode.OK;
  }

  private void deployment(String name) {
    String scope = "deployment " + name;
    Deployment d;
    try {
      d = Deployments.parse(name);
    } catch (HardstorageException e) {
      add(scope, "name", "FAIL", e.getMessage(), e.suggestion().orElse(null));
      return;
    }
    Optional<DeploymentSummary> summary = repository(scope, name, d);
    // judged once the server said whether a streamer runs, listed with the repository's findings
    int at = findings.size();
    WalContinuity.Streamer streamer = server(scope, name);
    summary
        .map(s -> WalContinuity.verdict(scope, name, s, streamer))
        .ifPresent(f -> findings.add(at, f));
  }

  private Optional<DeploymentSummary> repository(String scope, String name, Deployment d) {
    String url;
    try {
      url = repoOptions.forDeployment(name).url();
    } catch (HardstorageException e) {
      add(scope, "repository", "FAIL", e.getMessage(), e.suggestion().orElse(null));
      return Optional.empty();
    }
    disk(scope, url);
    try (OpenedRepository o = repoOptions.forDeployment(name).openForWal()) {
      Repository repo = o.repository();
      add(
          scope,
          "repository",
          "PASS",
          repo.describe()
              + ", format "
              + repo.config().format()
              + ", encryption "
              + repo.config().encryption().configName(),
          null);
      DeploymentSummary s = new Summarizer(repo, Clock.systemUTC()).summarize(d);
      if (s.lastBackupId() == null) {
        add(scope, "last backup", "WARN", "no backup yet", "pg_hardstorage backup " + name);
      } else {
        boolean old = s.lastBackupAgeSeconds() > maxBackupAgeHours * 3600;
        add(
            scope,
            "last backup",
            old ? "WARN" : "PASS",
            s.lastBackupId() + ", " + Durations.ago(s.lastBackupAgeSeconds()),
            old ? "take a backup; check the schedule" : null);
      }
      lastVerified(scope, repo, d, name);
      return Optional.of(s);
    } catch (HardstorageException e) {
      add(scope, "repository", "FAIL", e.getMessage(), e.suggestion().orElse(null));
      return Optional.empty();
    }
  }

  private void lastVerified(String scope, Repository repo, Deployment d, String name) {
    List<BackupId> ids = repo.listBackups(d);
    Optional<VerificationRecord> latest = Optional.empty();
    for (BackupId id : ids) {
      Optional<VerificationRecord> r = VerificationRecord.read(repo, d, id);
      if (r.isPresent()
          && (latest.isEmpty() || r.get().verifiedAt().isAfter(latest.get().verifiedAt()))) {
        latest = r;
      }
    }
    if (latest.isEmpty()) {
      if (!ids.isEmpty()) {
        add(
            scope,
            "last verified restore",
            "WARN",
            "no backup has been verified",
            "pg_hardstorage verify " + name + " latest");
      }
      return;
    }
    VerificationRecord v = latest.get();
    long age = Duration.between(v.verifiedAt(), Instant.now()).toSeconds();
    if (!v.ok()) {
      add(
          scope,
          "last verified restore",
          "FAIL",
          "the latest verification ("
              + v.backupId()
              + ", "
              + Durations.ago(age)
              + ") found "
              + Counts.of(v.errors(), "error"),
          "pg_hardstorage verify " + name + " " + v.backupId() + " names the damaged objects");
    } else {
      boolean old = age > maxVerifyAgeDays * 86400;
      add(
          scope,
          "last verified restore",
          old ? "WARN" : "PASS",
          v.backupId() + " verified " + Durations.ago(age),
          old ? "schedule verify runs" : null);
    }
  }

  private void disk(String scope, String url) {
    Path root;
    try {
      root =
          url.startsWith("/")
              ? Path.of(url)
              : url.startsWith("file:") ? Path.of(URI.create(url)) : null;
    } catch (IllegalArgumentException e) {
      return;
    }
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      FileStore fs = Files.getFileStore(root);
      long free = fs.getUsableSpace();
      long total = fs.getTotalSpace();
      double share = total == 0 ? 1 : (double) free / total;
      String status = free < (1L << 30) ? "FAIL" : share < 0.10 ? "WARN" : "PASS";
      add(
          scope,
          "free disk",
          status,
          Bytes.human(free) + " free of " + Bytes.human(total) + " at " + root,
          status.equals("PASS") ? null : "free space or move the repository");
    } catch (java.io.IOException e) {
      add(
          scope,
          "free disk",
          "WARN",
          "cannot read free space of " + root + ": " + e.getMessage(),
          null);
    }
  }

  /** The server's findings; returns whether a streamer runs, as far as the server says. */
  private WalContinuity.Streamer server(String scope, String name) {
    String slot = CliDeployment.slot(name, Optional.empty());
    try (ReplicationConnection c =
        ReplicationConnection.open(
            pg.connInfo(name),
            ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage doctor"))) {
      add(
          scope,
          "postgres",
          "PASS",
          "PostgreSQL "
              + c.connection().serverVersion()
              + " at "
              + c.connection().endpoint().display(),
          null);
      for (PreflightCheck check :
          new WalPreflight(false, true).run(c.connection(), slot).checks()) {
        add(
            scope,
            "preflight " + check.name(),
            check.status().name(),
            check.detail(),
            check.suggestion());
      }
      String serverNow = c.connection().querySingle("SELECT now()::text").singleRow().getString(0);
      Instant server =
          OffsetDateTime.parse(serverNow.replace(' ', 'T').replaceFirst("([+-]\\d\\d)$", "$1:00"))
              .toInstant();
      double skew = Math.abs(Duration.between(server, Instant.now()).toMillis()) / 1000.0;
      add(
          scope,
          "clock skew",
          skew > 30 ? "FAIL" : skew > 2 ? "WARN" : "PASS",
          String.format("%.1f s between this host and the server", skew),
          skew > 2 ? "synchronise the clocks (NTP): time targets and ages depend on them" : null);
      var active =
          c.connection()
              .querySingle(
                  "SELECT active FROM pg_replication_slots WHERE slot_name = '"
                      + slot.replace("'", "''")
                      + "'")
              .rows();
      if (active.isEmpty()) {
        add(
            scope,
            "streamer",
            "WARN",
            "slot " + slot + " does not exist: no WAL is streamed",
            "pg_hardstorage wal stream " + name);
        return WalContinuity.Streamer.DOWN;
      }
      boolean up = active.get(0).getBoolean(0);
      add(
          scope,
          "streamer",
          up ? "PASS" : "WARN",
          "slot " + slot + (up ? " is in use by a streamer" : " exists but nothing streams"),
          up ? null : "start the streamer: pg_hardstorage wal stream " + name);
      return up ? WalContinuity.Streamer.UP : WalContinuity.Streamer.DOWN;
    } catch (HardstorageException e) {
      if (e.code().startsWith("usage.no_connection")) {
        add(
            scope,
            "postgres",
            "WARN",
            "no connection configured",
            "add connection to the deployment in pg_hardstorage.yml");
      } else {
        add(scope, "postgres", "FAIL", e.getMessage(), e.suggestion().orElse(null));
      }
    } catch (RuntimeException e) {
      add(scope, "clock skew", "WARN", "cannot compare clocks: " + e.getMessage(), null);
    }
    return WalContinuity.Streamer.UNKNOWN;
  }

  private void add(String scope, String check, String status, String detail, String suggestion) {
    findings.add(new Finding(scope, check, status, detail, suggestion));
  }
}
