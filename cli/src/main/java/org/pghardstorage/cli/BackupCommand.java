package org.pghardstorage.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.backup.BackupRequest;
import org.pghardstorage.core.backup.BackupResult;
import org.pghardstorage.core.backup.BackupRunner;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.BackupSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage backup <deployment>}. */
@Command(
    name = "backup",
    description =
        "Take a base backup of DEPLOYMENT into the repository, with the WAL it needs to be"
            + " consistent.")
final class BackupCommand extends BaseCommand {
  @Parameters(
      index = "0",
      paramLabel = "DEPLOYMENT",
      description = "Name of the protected database.")
  String deployment;

  @Mixin PgOptions pg;
  @Mixin RepoOptions repoOptions;

  @Option(names = "--label", description = "Backup label (default: pg_hardstorage DEPLOYMENT).")
  String label;

  @Option(
      names = "--checkpoint",
      paramLabel = "fast|spread",
      defaultValue = "fast",
      description = "Checkpoint mode at the start of the backup (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(
      names = "--max-rate",
      paramLabel = "KB_PER_S",
      description = "Limit the server's sending rate (32..1048576 kB/s).")
  Long maxRate;

  @Override
  protected ExitCode run(Printer printer) {
    DeploymentContext context =
        CliDeployment.context(deployment, pg, repoOptions, Optional.empty());
    BackupRequest request =
        new BackupRequest(
            context.deployment(),
            context.connInfo(),
            label != null ? label : "pg_hardstorage " + deployment,
            !"spread".equalsIgnoreCase(checkpoint),
            maxRate == null ? OptionalLong.empty() : OptionalLong.of(maxRate),
            Duration.ofMinutes(5),
            context.slot());
    try (OpenedRepository o = repoOptions.forDeployment(deployment).open()) {
      BackupResult r =
          new BackupRunner(o.repository(), Clock.systemUTC())
              .run(request, Progress.backup(printer, ""));
      BackupManifest m = r.manifest();
      Map<String, Object> result = summary(r);
      printer.result(
          result,
          out -> {
            out.println("Backup " + m.backupId() + " of " + m.deployment() + " committed.");
            out.println(
                "  LSN "
                    + m.wal().startLsn()
                    + " .. "
                    + m.wal().endLsn()
                    + " on timeline "
                    + m.wal().endTimeline()
                    + ", PostgreSQL "
                    + m.postgres().version());
            out.println(
                String.format(
                    "  read %s, new %s (stored %s), dedup %s, %s, %.1f s",
                    Bytes.human(m.stats().bytesRead()),
                    Bytes.human(m.stats().bytesNew()),
                    Bytes.human(m.stats().bytesStored()),
                    Counts.percent(m.stats().dedupRatio()),
                    Counts.of(r.walSegments(), "WAL segment"),
                    r.duration().toMillis() / 1000.0));
            m.sourceInfo()
                .ifPresent(
                    s ->
                        out.println(
                            "  read from the server "
                                + Bytes.human(s.bytesReadFromServer())
                                + s.incrementalBase()
                                    .map(b -> ", incremental against " + b)
                                    .orElse(", every file whole")));
          });
    }
    return ExitCode.OK;
  }

  static Map<String, Object> summary(BackupResult r) {
    BackupManifest m = r.manifest();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("backup_id", m.backupId().value());
    result.put("deployment", m.deployment().name());
    result.put("label", m.label());
    result.put("started_at", m.startedAt().toString());
    result.put("finished_at", m.finishedAt().toString());
    result.put("postgres_version", m.postgres().version());
    result.put("system_identifier", m.postgres().systemIdentifier());
    result.put("timeline", m.wal().endTimeline());
    result.put("start_lsn", m.wal().startLsn());
    result.put("end_lsn", m.wal().endLsn());
    result.put("bytes_read", m.stats().bytesRead());
    result.put("bytes_new", m.stats().bytesNew());
    result.put("bytes_stored", m.stats().bytesStored());
    result.put("dedup_ratio", m.stats().dedupRatio());
    result.put(
        "bytes_read_from_server",
        m.sourceInfo().map(BackupSource::bytesReadFromServer).orElse(null));
    result.put(
        "incremental_from",
        m.sourceInfo().flatMap(BackupSource::incrementalBase).map(BackupId::value).orElse(null));
    result.put("wal_segments", r.walSegments());
    result.put("duration_seconds", r.duration().toMillis() / 1000.0);
    return result;
  }
}
