package org.pghardstorage.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.wal.PreflightCheck;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.core.wal.WalPreflight;
import org.pghardstorage.core.wal.WalStreamer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pg_hardstorage wal stream <deployment>}: the always-on WAL streamer, in the foreground.
 */
@Command(
    name = "stream",
    description =
        "Stream WAL of DEPLOYMENT into the repository until stopped. SIGTERM or Ctrl-C (SIGINT)"
            + " is a clean stop: what was received is made durable, the slot connection and the"
            + " repository lock are released, and the exit status is 0. Creates the physical slot"
            + " if it is missing. A systemd unit ships in the distribution:"
            + " systemd/pg_hardstorage-wal-stream@.service.")
final class WalStreamCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "DEPLOYMENT")
  String deployment;

  @Mixin PgOptions pg;
  @Mixin RepoOptions repoOptions;

  @Option(
      names = "--slot",
      description =
          "Replication slot (default: the deployment's slot in pg_hardstorage.yml, else"
              + " pg_hardstorage_DEPLOYMENT).")
  String slot;

  @Option(
      names = "--flush-interval",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description =
          "Make the partial segment durable at least this often (default: ${DEFAULT-VALUE}).")
  double flushSeconds;

  @Option(
      names = "--status-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Print the streamer's figures this often (default: ${DEFAULT-VALUE}).")
  double statusSeconds;

  @Option(names = "--allow-standby", description = "Accept a server that is in recovery.")
  boolean allowStandby;

  @Override
  protected ExitCode run(Printer printer) throws InterruptedException {
    DeploymentContext context =
        CliDeployment.context(deployment, pg, repoOptions, Optional.ofNullable(slot));
    Deployment d = context.deployment();
    WalStreamer.Config config =
        context.streamerConfig(Duration.ofMillis((long) (flushSeconds * 1000)), allowStandby);
    try (OpenedRepository o = repoOptions.forDeployment(deployment).open()) {
      WalStreamer streamer = new WalStreamer(o.repository(), config, Clock.systemUTC());
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                streamer.stop();
                try {
                  finished.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "pghs-streamer-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      Thread reporter = new Thread(() -> report(printer, streamer), "pghs-streamer-status");
      reporter.setDaemon(true);
      reporter.start();
      // A stop asked for with SIGTERM (a service manager) or Ctrl-C is a clean end, exit 0: the
      // streamer flushes what it received, closes the slot connection and releases its lock. The
      // shutdown hook remains for a JVM that keeps those signals, and for SIGHUP.
      try (StopSignals signals =
          StopSignals.install(
              () -> {
                printer.note("stop requested: making what was received durable");
                streamer.stop();
              })) {
        printer.note("streaming " + d + " through slot " + config.slot() + " (Ctrl-C to stop)");
        streamer.run();
        reporter.interrupt();
        StreamerStatus s = streamer.status();
        printer.result(s, out -> out.println("stopped; WAL durable up to " + s.durableLsn()));
        return ExitCode.OK;
      } finally {
        reporter.interrupt();
        // only now may the JVM finish exiting: the final figures are printed
        finished.countDown();
      }
    }
  }

  private void report(Printer printer, WalStreamer streamer) {
    long every = Math.max(100, (long) (statusSeconds * 1000));
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      StreamerStatus s = streamer.status();
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("state", s.state().name());
      fields.put("timeline", s.timeline());
      fields.put("received_lsn", s.receivedLsn().toString());
      fields.put("durable_lsn", s.durableLsn().toString());
      fields.put("server_lsn", s.serverLsn().toString());
      fields.put("lag_bytes", s.lagBytes());
      fields.put("lag_seconds", s.lagSeconds());
      printer.progress(
          "stream",
          fields,
          String.format(
              "%s tli %s durable %s server %s lag %s / %.1f s%s",
              s.state(),
              s.timeline(),
              s.durableLsn(),
              s.serverLsn(),
              Bytes.human(s.lagBytes()),
              s.lagSeconds(),
              s.lastError() == null ? "" : " (last error: " + s.lastError() + ")"));
    }
  }

  /** {@code wal preflight <deployment>}. */
  @Command(
      name = "preflight",
      description = "Check that the server can feed a WAL streamer for DEPLOYMENT; exit 4 if not.")
  static final class Preflight extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String deployment;

    @Mixin PgOptions pg;

    @Option(
        names = "--slot",
        description =
            "Replication slot (default: the deployment's slot in pg_hardstorage.yml, else"
                + " pg_hardstorage_DEPLOYMENT).")
    String slot;

    @Option(names = "--allow-standby", description = "Accept a server that is in recovery.")
    boolean allowStandby;

    @Override
    protected ExitCode run(Printer printer) {
      String s = CliDeployment.slot(deployment, Optional.ofNullable(slot));
      try (ReplicationConnection c = connectOrRefuse(pg, deployment)) {
        PreflightReport report = new WalPreflight(allowStandby).run(c.connection(), s);
        printer.result(
            report,
            out -> {
              for (PreflightCheck check : report.checks()) {
                out.printf("%-5s %-30s %s%n", check.status(), check.name(), check.detail());
                if (check.suggestion() != null && check.status() != PreflightCheck.Status.PASS) {
                  out.printf("      %-30s fix: %s%n", "", check.suggestion());
                }
              }
            });
        return report.ok() ? ExitCode.OK : ExitCode.PREFLIGHT_REFUSED;
      }
    }
  }

  /**
   * Opens the replication connection. A server that refuses it because no WAL sender is free, or
   * because replication is off, is a preflight failure (exit 4), not an unreachable server.
   */
  static ReplicationConnection connectOrRefuse(PgOptions pg, String deployment) {
    try {
      return ReplicationConnection.open(
          pg.connInfo(deployment),
          ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage preflight"));
    } catch (org.pghardstorage.core.pg.PgServerException e) {
      if ("53300".equals(e.sqlState())) {
        throw new org.pghardstorage.core.error.HardstorageException(
            "preflight.failed",
            ExitCode.PREFLIGHT_REFUSED,
            "preflight refused: max_wal_senders: the server has no free WAL sender ("
                + e.getMessage()
                + ")",
            "raise max_wal_senders (needs a restart; wal_level = minimal forces it to 0, so set"
                + " wal_level = replica too) or stop an idle replication client",
            e);
      }
      throw e;
    }
  }

  /** {@code wal audit <deployment>}. */
  @Command(
      name = "audit",
      description =
          "Prove the stored WAL of DEPLOYMENT is continuous from its oldest backup; exit 9 and name"
              + " every gap if not.",
      footer = {
        "",
        "Each timeline's first_stored_at and last_stored_at, and each gap's stored_before and"
            + " stored_after (the segments either side), are when the repository's store wrote"
            + " those segment objects: an approximation of when the WAL was written, later by the"
            + " streamer's delay or more, not commit times."
      })
  static final class Audit extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String deployment;

    @Mixin RepoOptions repoOptions;

    @Override
    protected ExitCode run(Printer printer) {
      try (OpenedRepository o = repoOptions.forDeployment(deployment).open()) {
        Deployment d = Deployments.known(o.repository(), deployment);
        WalAudit.Report report = WalAudit.run(o.repository(), d);
        printer.result(
            report,
            out -> {
              for (WalAudit.TimelineCoverage t : report.timelines()) {
                out.printf(
                    "timeline %d: %s .. %s, %s%s%s%s%n",
                    t.timeline(),
                    t.firstSegment(),
                    t.lastSegment(),
                    Counts.of(t.segments(), "segment"),
                    t.endsWithPartial() ? " (last one partial)" : "",
                    t.branchLsn() == null ? "" : ", branches at " + t.branchLsn(),
                    t.firstStoredAt() == null
                        ? ""
                        : ", stored " + t.firstStoredAt() + " .. " + t.lastStoredAt());
              }
              if (report.ok()) {
                out.println("no gaps since " + report.fromLsn());
              }
              for (WalAudit.Gap g : report.gaps()) {
                out.printf(
                    "GAP timeline %d: %s .. %s: %s (%s)%n",
                    g.timeline(),
                    g.fromSegment(),
                    g.toSegment(),
                    g.reason(),
                    g.impact() == WalAudit.Impact.BEFORE_NEWEST_BACKUP
                        ? "before the newest backup, which it does not affect"
                        : "the newest backup needs it: take a new base backup");
              }
              if (!report.ok()) {
                out.println(
                    "hint: "
                        + (report.newestBackupOk()
                            ? "no moment inside a gap can be recovered; keep the WAL streamer"
                                + " running so that no new gap opens"
                            : "recovery stops at a gap: take a new base backup, which starts"
                                + " after it, and keep the WAL streamer running"));
              }
            });
        return report.ok() ? ExitCode.OK : ExitCode.VERIFY_FAILED;
      }
    }
  }
}
