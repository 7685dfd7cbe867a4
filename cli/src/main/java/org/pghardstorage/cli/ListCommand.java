package org.pghardstorage.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.cli.output.BackupTable;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.cli.server.ServerOptions;
import org.pghardstorage.cli.server.ServerViews;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage list [deployment]}. */
@Command(
    name = "list",
    description = "List the backups of DEPLOYMENT, oldest first; without it, list deployments.")
final class ListCommand extends BaseCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DEPLOYMENT",
      description = "Deployment name.")
  String deployment;

  @Mixin RepoOptions repoOptions;
  @Mixin ServerOptions server;

  @Override
  protected ExitCode run(Printer printer) {
    if (server.given()) {
      ServerViews.list(server.client(), deployment, printer);
      return ExitCode.OK;
    }
    try (OpenedRepository o = repoOptions.forDeployment(deployment).open()) {
      Repository repo = o.repository();
      if (deployment == null) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Deployment d : repo.listDeployments()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("deployment", d.name());
          row.put("backups", repo.listBackups(d).size());
          rows.add(row);
        }
        printer.result(
            Map.of("deployments", rows),
            out -> {
              if (rows.isEmpty()) {
                out.println("No deployments in " + repoOptions.url() + ".");
              }
              rows.forEach(
                  r ->
                      out.println(
                          r.get("deployment")
                              + "  ("
                              + Counts.of(((Number) r.get("backups")).longValue(), "backup")
                              + ")"));
            });
        return ExitCode.OK;
      }
      Deployment d = Deployments.known(repo, deployment);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (BackupId id : repo.listBackups(d)) {
        repo.readManifest(d, id).ifPresent(m -> rows.add(row(m)));
      }
      printer.result(
          Map.of("deployment", d.name(), "backups", rows),
          out -> {
            if (rows.isEmpty()) {
              out.println("No backups of " + d + " yet.");
              return;
            }
            BackupTable table = new BackupTable(out);
            for (Map<String, Object> r : rows) {
              table.row(
                  r.get("backup_id").toString(),
                  r.get("finished_at").toString(),
                  r.get("start_lsn").toString(),
                  r.get("end_lsn").toString(),
                  ((Number) r.get("timeline")).longValue(),
                  (Long) r.get("bytes_read"));
            }
          });
    }
    return ExitCode.OK;
  }

  static Map<String, Object> row(BackupManifest m) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("backup_id", m.backupId().value());
    r.put("label", m.label());
    r.put("started_at", m.startedAt().toString());
    r.put("finished_at", m.finishedAt().toString());
    r.put("postgres_version", m.postgres().version());
    r.put("system_identifier", m.postgres().systemIdentifier());
    r.put("timeline", m.wal().endTimeline());
    r.put("start_lsn", m.wal().startLsn());
    r.put("end_lsn", m.wal().endLsn());
    r.put("bytes_read", m.stats().bytesRead());
    r.put("bytes_new", m.stats().bytesNew());
    r.put("dedup_ratio", m.stats().dedupRatio());
    return r;
  }
}
