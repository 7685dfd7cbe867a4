package org.pghardstorage.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.cli.config.CliConfig;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.retention.GfsPolicy;
import org.pghardstorage.core.retention.RetentionPlan;
import org.pghardstorage.core.retention.RotationResult;
import org.pghardstorage.core.retention.Rotator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage rotate <deployment> [--keep-* N] [--apply]}. */
@Command(
    name = "rotate",
    description =
        "Apply a retention policy: keep the newest backup of each of the last N hours, days, ISO"
            + " weeks, months and years (UTC), and delete the other backups, the WAL before the"
            + " oldest kept backup and the packs only they used. A dry run unless --apply. The newest"
            + " backup is always kept. The policy comes from the --keep-* options, or else from the"
            + " deployment's retention section in pg_hardstorage.yml.")
final class RotateCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "Deployment name.")
  String deployment;

  @Mixin RepoOptions repoOptions;

  @Option(
      names = "--policy",
      paramLabel = "gfs",
      defaultValue = "gfs",
      description = "Retention policy; only gfs (grandfather-father-son) exists.")
  String policy;

  @Option(
      names = "--keep-hourly",
      paramLabel = "N",
      description = "Keep the newest backup of each of the last N hours that have one.")
  Integer keepHourly;

  @Option(
      names = "--keep-daily",
      paramLabel = "N",
      description = "Keep the newest backup of each of the last N days that have one.")
  Integer keepDaily;

  @Option(
      names = "--keep-weekly",
      paramLabel = "N",
      description = "Keep the newest backup of each of the last N ISO weeks that have one.")
  Integer keepWeekly;

  @Option(
      names = "--keep-monthly",
      paramLabel = "N",
      description = "Keep the newest backup of each of the last N months that have one.")
  Integer keepMonthly;

  @Option(
      names = "--keep-yearly",
      paramLabel = "N",
      description = "Keep the newest backup of each of the last N years that have one.")
  Integer keepYearly;

  @Option(
      names = "--apply",
      description =
          "Delete for real, under an exclusive repository lock (exit 7 while a backup, restore or"
              + " verify runs). Without it nothing is deleted and no lock is taken.")
  boolean apply;

  @Override
  protected ExitCode run(Printer printer) {
    GfsPolicy gfs = policy();
    try (OpenedRepository o = repoOptions.forDeployment(deployment).open()) {
      Repository repo = o.repository();
      Deployment d = Deployments.known(repo, deployment);
      Rotator rotator = new Rotator(repo, Clock.systemUTC());
      if (!apply) {
        RetentionPlan plan = rotator.plan(d, gfs);
        printer.result(RotateReport.result(plan, Optional.empty()), RotateReport.text(plan, null));
        return ExitCode.OK;
      }
      RotationResult done = rotator.apply(d, gfs);
      printer.result(
          RotateReport.result(done.plan(), Optional.of(done)),
          RotateReport.text(done.plan(), done));
      return ExitCode.OK;
    }
  }

  /**
   * The policy: the {@code --keep-*} options if any is given (unset ones count 0), else the
   * deployment's {@code retention} section. Never an empty policy: that would delete everything but
   * the newest backup by accident.
   */
  private GfsPolicy policy() {
    if (!"gfs".equals(policy)) {
      throw new HardstorageException(
          "usage.unknown_policy",
          ExitCode.USAGE,
          "unknown retention policy '" + policy + "'",
          "use --policy gfs (the only policy) with --keep-hourly/daily/weekly/monthly/yearly");
    }
    if (keepHourly != null
        || keepDaily != null
        || keepWeekly != null
        || keepMonthly != null
        || keepYearly != null) {
      return new GfsPolicy(
          orZero(keepHourly),
          orZero(keepDaily),
          orZero(keepWeekly),
          orZero(keepMonthly),
          orZero(keepYearly));
    }
    CliConfig config = ConfigHolder.current();
    Map<String, Integer> counts =
        config.deployment(deployment).map(DeploymentConfig::retention).orElse(Map.of());
    if (counts.isEmpty()) {
      throw new HardstorageException(
          "usage.no_policy",
          ExitCode.USAGE,
          "no retention policy for "
              + deployment
              + ": no --keep-* option given and no retention section for it in "
              + config.source().map(Path::toString).orElse("a configuration file"),
          "pass counts, e.g. --keep-daily 7 --keep-weekly 4 --keep-monthly 12, or set"
              + " deployments."
              + deployment
              + ".retention in pg_hardstorage.yml");
    }
    return new GfsPolicy(
        counts.getOrDefault("hourly", 0),
        counts.getOrDefault("daily", 0),
        counts.getOrDefault("weekly", 0),
        counts.getOrDefault("monthly", 0),
        counts.getOrDefault("yearly", 0));
  }

  private static int orZero(Integer n) {
    return n == null ? 0 : n;
  }
}
