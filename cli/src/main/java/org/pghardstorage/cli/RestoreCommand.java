package org.pghardstorage.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.RecoveryKey;
import org.pghardstorage.core.restore.RestorePreview;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.core.restore.RestoreResult;
import org.pghardstorage.core.restore.Restorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage restore <deployment> <backup-id|latest>}. */
@Command(
    name = "restore",
    description =
        "Restore a backup of DEPLOYMENT into a new data directory. Started with a plain pg_ctl"
            + " start, PostgreSQL fetches WAL from the repository, recovers to the backup's"
            + " consistency point and promotes.")
final class RestoreCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "DEPLOYMENT")
  String deployment;

  @Parameters(index = "1", paramLabel = "BACKUP", description = "A backup id, or latest.")
  String backup;

  @Mixin RepoOptions repoOptions;

  @Option(
      names = "--target",
      required = true,
      paramLabel = "DIR",
      description = "The data directory to create (must be empty or absent).")
  Path target;

  @Option(
      names = "--force",
      description =
          "Delete the contents of non-empty target directories first (never the repository, a"
              + " home or system directory, or a directory holding postmaster.pid), and restore a"
              + " backup whose last verification failed.")
  boolean force;

  @Option(
      names = "--tablespace-map",
      paramLabel = "OID_OR_OLD=NEW",
      description =
          "Put a tablespace somewhere else: its oid or recorded location, '=', the new directory. Repeatable.")
  Map<String, Path> tablespaceMap = new LinkedHashMap<>();

  @Option(
      names = "--waldir",
      paramLabel = "DIR",
      description =
          "Put the WAL in DIR (empty or absent) with pg_wal a link to it, as initdb -X does.")
  Path walDir;

  @Option(
      names = "--postgres-user",
      paramLabel = "USER",
      description =
          "The OS user PostgreSQL will run as (default: the user running the restore). The"
              + " restore checks that this user can read the repository and the passphrase file,"
              + " as restore_command must; needed when restoring as root into an encrypted"
              + " repository.")
  String postgresUser;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Fetch and write with N threads (default: number of CPUs, at least 2).")
  Integer parallel;

  @Option(names = "--preview", description = "Print what would be done; write nothing.")
  boolean preview;

  @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
  Target to = new Target();

  /** The recovery target: at most one. */
  static final class Target {
    @Option(
        names = "--to",
        paramLabel = "TIME",
        description =
            "Recover to this time: RFC 3339, '2026-11-30 02:40:00+00' (UTC if no offset) or"
                + " '5 minutes ago'.")
    String time;

    @Option(names = "--to-lsn", paramLabel = "X/Y", description = "Recover to this LSN.")
    String lsn;

    @Option(
        names = "--to-name",
        paramLabel = "NAME",
        description = "Recover to this restore point.")
    String name;

    @Option(names = "--to-xid", paramLabel = "XID", description = "Recover to this transaction.")
    Long xid;

    @Option(
        names = "--to-latest",
        description = "Replay all WAL in the repository, the newest partial segment included.")
    boolean latest;
  }

  @Option(
      names = "--to-action",
      paramLabel = "pause|promote|shutdown",
      description =
          "What PostgreSQL does at the target (default: pause for a point in time, so you can"
              + " check before promoting; promote without a target).")
  String action;

  @Option(
      names = "--to-timeline",
      paramLabel = "TLI",
      defaultValue = "latest",
      description = "Timeline to recover along: latest (default), current or a number.")
  String timeline;

  @Option(
      names = "--no-sync",
      description = "Do not fsync the restored files (faster; only for throw-away copies).")
  boolean noSync;

  @Override
  protected ExitCode run(Printer printer) {
    Deployment d = Deployments.parse(deployment);
    repoOptions.forDeployment(deployment);
    Path absolute = target.toAbsolutePath().normalize();
    RecoveryKey key = repoOptions.recoveryKey();
    RestoreRequest.Builder b =
        RestoreRequest.builder(d, absolute, restoreCommand(d, key))
            .recoveryKey(key)
            .backup(BackupSelector.parse(backup))
            .force(force)
            .sync(!noSync)
            .recoveryTarget(recoveryTarget())
            .targetTimeline(timeline);
    if (action != null) {
      b.targetAction(action);
    }
    tablespaceMap.forEach((k, v) -> b.remapTablespace(k, v.toAbsolutePath().normalize()));
    if (postgresUser != null) {
      b.postgresUser(postgresUser);
    }
    if (walDir != null) {
      b.walDir(walDir.toAbsolutePath().normalize());
    }
    if (parallel != null) {
      b.parallelism(parallel);
    }
    RestoreRequest request = b.build();
    try (OpenedRepository o = repoOptions.forDeployment(deployment).open()) {
      Restorer restorer = new Restorer(o.repository());
      if (preview) {
        RestorePreview p = restorer.preview(request);
        printer.result(p, out -> printPreview(p, out));
        return p.problems().isEmpty() ? ExitCode.OK : ExitCode.CONFLICT;
      }
      RestoreResult r = restorer.restore(request, Progress.task(printer, ""));
      printer.result(
          r,
          out -> {
            out.println(
                "Restored backup "
                    + r.backupId()
                    + " of "
                    + r.deployment()
                    + " into "
                    + r.target());
            out.printf(
                "  %d files, %s in %.1f s%n",
                r.files(), Bytes.human(r.bytesWritten()), r.durationMillis() / 1000.0);
            r.tablespaces()
                .forEach(t -> out.println("  tablespace " + t.oid() + " -> " + t.location()));
            out.println("  recovery settings written to postgresql.auto.conf:");
            r.recovery().asMap().forEach((k, v) -> out.println("    " + k + " = '" + v + "'"));
            out.println(RecoveryOutlook.next(r.target(), r.recovery()));
          });
      return ExitCode.OK;
    }
  }

  private org.pghardstorage.core.restore.RecoveryTarget recoveryTarget() {
    if (to.time != null) {
      return new org.pghardstorage.core.restore.RecoveryTarget.Time(
          TimeExpressions.parse(to.time, java.time.Clock.systemUTC()));
    }
    if (to.lsn != null) {
      try {
        return new org.pghardstorage.core.restore.RecoveryTarget.AtLsn(
            org.pghardstorage.core.pg.Lsn.parse(to.lsn));
      } catch (IllegalArgumentException e) {
        throw new org.pghardstorage.core.error.HardstorageException(
            "usage.bad_lsn", ExitCode.USAGE, e.getMessage(), "write an LSN as X/Y, e.g. 0/3000028");
      }
    }
    if (to.name != null) {
      return new org.pghardstorage.core.restore.RecoveryTarget.Named(to.name);
    }
    if (to.xid != null) {
      return new org.pghardstorage.core.restore.RecoveryTarget.Xid(to.xid);
    }
    if (to.latest) {
      return new org.pghardstorage.core.restore.RecoveryTarget.Latest();
    }
    return new org.pghardstorage.core.restore.RecoveryTarget.Immediate();
  }

  /** The restore_command PostgreSQL will run, as its own OS user. */
  private String restoreCommand(Deployment d, RecoveryKey key) {
    return Launcher.restoreCommand(Launcher.path(), d, repoOptions.url(), key);
  }

  private static void printPreview(RestorePreview p, java.io.PrintWriter out) {
    out.println(
        "Would restore backup "
            + p.backupId()
            + " of "
            + p.deployment()
            + " ("
            + p.selector()
            + ", PostgreSQL "
            + p.postgresVersion()
            + ")");
    out.println("  taken " + p.backupStartedAt() + " .. " + p.backupFinishedAt());
    out.printf(
        "  into %s: %d files, %s; fetch %s from %d packs%n",
        p.target(), p.files(), Bytes.human(p.bytes()), Bytes.human(p.storedBytes()), p.packs());
    out.println("  writes into (nothing outside these):");
    p.directories().forEach(d -> out.println("    " + d.path() + "  (" + d.role() + ")"));
    long missing =
        p.wal().segments().stream()
            .filter(s -> s.state() == org.pghardstorage.core.restore.WalSegmentStatus.State.MISSING)
            .count();
    out.printf(
        "  WAL %s .. %s: %d segments, %s%n",
        p.wal().startLsn(),
        p.wal().endLsn(),
        p.wal().segments().size(),
        missing == 0 ? "all present" : missing + " MISSING");
    out.println("  recovery settings:");
    p.recovery().asMap().forEach((k, v) -> out.println("    " + k + " = '" + v + "'"));
    if (!p.warnings().isEmpty()) {
      out.println("Warnings:");
      p.warnings().forEach(x -> out.println("  - " + x));
    }
    if (!p.problems().isEmpty()) {
      out.println("Problems:");
      p.problems().forEach(x -> out.println("  - " + x));
    }
    out.println("Nothing was written (--preview).");
  }
}
