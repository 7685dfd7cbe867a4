package org.pghardstorage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.pghardstorage.cli.config.CliConfig;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.cli.server.ServerOptions;
import org.pghardstorage.cli.server.ServerViews;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.pg.Row;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.core.status.HealthFacts;
import org.pghardstorage.core.status.HealthRules;
import org.pghardstorage.core.status.Summarizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pg_hardstorage status [deployment]}: for every configured deployment (or the ones in
 * {@code --repo}), is the stream healthy, what is the newest recoverable moment, how old is the
 * last backup.
 */
@Command(
    name = "status",
    description =
        "Health (green, amber or red by the rules of docs/reference/health.md), streamer state,"
            + " lag, last backup and its age, RPO and WAL coverage of every configured"
            + " deployment, or of DEPLOYMENT.")
final class StatusCommand extends BaseCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT")
  String deployment;

  @Mixin RepoOptions repoOptions;
  @Mixin PgOptions pg;
  @Mixin ServerOptions server;

  @Override
  protected ExitCode run(Printer printer) {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (server.given()) {
      rows.addAll(ServerViews.status(server.client(), deployment));
    } else {
      for (String name : names()) {
        rows.add(status(name));
      }
    }
    printer.result(
        Map.of("deployments", rows),
        out -> {
          if (rows.isEmpty()) {
            out.println("No deployments: configure them in pg_hardstorage.yml or pass --repo.");
          }
          for (Map<String, Object> r : rows) {
            out.printf("%s%n", r.get("deployment"));
            out.printf("  health       %s%n", healthText(r.get("health")));
            out.printf("  streamer     %s%n", r.getOrDefault("streamer", "unknown"));
            out.printf("  WAL          %s%n", r.getOrDefault("wal", "none"));
            out.printf("  RPO          %s%n", r.getOrDefault("rpo", "unknown"));
            out.printf("  last backup  %s%n", r.getOrDefault("last_backup", "none"));
            if (r.get("error") != null) {
              out.printf("  problem      %s%n", r.get("error"));
            }
          }
        },
        rows.stream().map(StatusCommand::tableRow).toList());
    return ExitCode.OK;
  }

  /**
   * One deployment as a row of {@code -o table}: short values only; the text, JSON and CSV views
   * carry the details.
   */
  static Map<String, Object> tableRow(Map<String, Object> r) {
    Optional<DeploymentSummary> s =
        Optional.ofNullable(r.get("summary")).map(DeploymentSummary.class::cast);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("deployment", r.get("deployment"));
    t.put("health", healthStatus(r.get("health")));
    t.put("streamer", streamerState(r));
    t.put(
        "lag",
        r.get("lag_bytes") instanceof Number n && n.longValue() >= 0
            ? Bytes.human(n.longValue())
            : "-");
    t.put(
        "last_backup",
        s.map(DeploymentSummary::lastBackupId)
            .or(
                () ->
                    Optional.ofNullable(r.get("last_backup")).map(b -> b.toString().split(" ")[0]))
            .orElse("-"));
    t.put(
        "backup_age",
        s.map(DeploymentSummary::lastBackupAgeSeconds).map(Durations::ago).orElse("-"));
    t.put(
        "newest_wal",
        s.map(
                x ->
                    x.walNewestSegment() == null
                        ? null
                        : x.walNewestSegment() + (x.walNewestPartial() ? " (partial)" : ""))
            .orElse("-"));
    t.put("wal_age", s.map(DeploymentSummary::walAgeSeconds).map(Durations::ago).orElse("-"));
    t.put("gaps", s.map(x -> String.valueOf(x.walGaps().size())).orElse("-"));
    t.put("problem", r.getOrDefault("error", ""));
    return t;
  }

  private static String streamerState(Map<String, Object> r) {
    String streamer = String.valueOf(r.getOrDefault("streamer", ""));
    if (streamer.startsWith("NO SLOT")) {
      return "no slot";
    }
    if (r.get("streamer_up") instanceof Boolean up) {
      return up ? "up" : "down";
    }
    return streamer.startsWith("unknown") ? "unreachable" : "-";
  }

  private List<String> names() {
    if (deployment != null) {
      return List.of(deployment);
    }
    CliConfig config = ConfigHolder.current();
    TreeSet<String> names = new TreeSet<>(config.deployments().keySet());
    boolean explicitRepo = repoOptions.repo != null || System.getenv("PGHS_REPO") != null;
    // Without configured deployments, the repository (the configuration's, when no flag names
    // one) is where the deployments are found.
    if (explicitRepo || (names.isEmpty() && config.defaultRepository().isPresent())) {
      try (OpenedRepository o = repoOptions.open()) {
        o.repository().listDeployments().forEach(d -> names.add(d.name()));
      }
    }
    return new ArrayList<>(names);
  }

  private Map<String, Object> status(String name) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("deployment", name);
    Deployment d = Deployments.parse(name);
    DeploymentSummary s;
    Optional<Boolean> verified;
    try (OpenedRepository o = repoOptions.forDeployment(name).openForWal()) {
      Summarizer summarizer = new Summarizer(o.repository(), Clock.systemUTC());
      s = summarizer.summarize(d);
      verified = summarizer.lastBackupVerified(d, s);
      r.put("repository", o.repository().describe());
    } catch (HardstorageException e) {
      r.put("error", e.getMessage());
      return r;
    }
    r.put("summary", s);
    if (s.lastBackupId() != null) {
      r.put(
          "last_backup",
          s.lastBackupId()
              + " ending "
              + s.lastBackupEndLsn()
              + ", "
              + Durations.ago(s.lastBackupAgeSeconds()));
    }
    if (s.walNewestSegment() != null) {
      r.put(
          "wal",
          "timeline "
              + s.walTimeline()
              + " up to "
              + s.walNewestSegment()
              + (s.walNewestPartial() ? " (partial)" : "")
              + ", last written "
              + Durations.ago(s.walAgeSeconds())
              + (s.walGaps().isEmpty() ? ", no gaps" : ", GAPS: " + s.walGaps()));
    }
    server(name).ifPresent(x -> r.putAll(x));
    DeploymentHealth health =
        HealthRules.DEFAULT.judge(
            HealthFacts.of(
                s,
                Optional.ofNullable(r.get("streamer_up")).map(Boolean.class::cast),
                Optional.ofNullable(r.get("lag_seconds"))
                    .map(x -> Duration.ofMillis(Math.round(((Number) x).doubleValue() * 1000))),
                verified));
    r.put("health", health);
    r.put("rpo", rpoText(health.rpoSeconds()));
    return r;
  }

  /** The RPO line: the one rule's figure ({@link HealthFacts#rpo()}). */
  static String rpoText(Number seconds) {
    return seconds == null ? "unknown" : "~" + seconds + " s";
  }

  /** The health line: the status, and the reasons when it is not green. */
  static String healthText(Object health) {
    if (health instanceof DeploymentHealth h) {
      return h.status().label()
          + (h.reasons().isEmpty() ? "" : ": " + String.join("; ", h.reasons()));
    }
    if (health instanceof JsonNode h && h.isObject()) {
      List<String> reasons = new ArrayList<>();
      h.path("reasons").forEach(x -> reasons.add(x.asText()));
      return h.path("status").asText()
          + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons));
    }
    return "unknown";
  }

  private static String healthStatus(Object health) {
    if (health instanceof DeploymentHealth h) {
      return h.status().label();
    }
    return health instanceof JsonNode h ? h.path("status").asText("-") : "-";
  }

  /** What the server says about the slot, when a connection is configured. */
  private Optional<Map<String, Object>> server(String name) {
    Map<String, Object> r = new LinkedHashMap<>();
    String slot = CliDeployment.slot(name, Optional.empty());
    try (ReplicationConnection c =
        ReplicationConnection.open(
            pg.connInfo(name),
            ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage status"))) {
      Row now =
          c.connection()
              .querySingle(
                  "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()"
                      + " ELSE pg_current_wal_lsn() END::text")
              .singleRow();
      var slots =
          c.connection()
              .querySingle(
                  "SELECT s.active, s.active_pid, s.restart_lsn::text,"
                      + " pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN"
                      + " pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,"
                      + " s.restart_lsn)::bigint, extract(epoch FROM r.flush_lag)"
                      + " FROM pg_replication_slots s LEFT JOIN pg_stat_replication r"
                      + " ON r.pid = s.active_pid WHERE s.slot_name = '"
                      + slot.replace("'", "''")
                      + "'")
              .rows();
      r.put("server_lsn", now.getString(0));
      if (slots.isEmpty()) {
        r.put("streamer", "NO SLOT " + slot + " (never started?)");
        r.put("streamer_up", false);
        return Optional.of(r);
      }
      Row row = slots.get(0);
      boolean active = row.getBoolean(0);
      long lagBytes = row.isNull(3) ? -1 : row.getLong(3);
      r.put(
          "streamer",
          (active ? "streaming (pid " + row.getString(1) + ")" : "DOWN")
              + ", slot "
              + slot
              + " confirmed "
              + row.getOptionalString(2).orElse("-")
              + ", lag "
              + (lagBytes < 0 ? "?" : Bytes.human(lagBytes)));
      r.put("streamer_up", active);
      r.put("lag_bytes", lagBytes);
      // the streamer's lag: nothing when everything the server wrote is durable, else the flush lag
      if (lagBytes == 0) {
        r.put("lag_seconds", 0.0);
      } else if (!row.isNull(4)) {
        r.put("lag_seconds", Double.parseDouble(row.getString(4)));
      }
    } catch (HardstorageException e) {
      if (e.code().startsWith("usage.") || e.code().equals("deployment.unknown")) {
        return Optional.empty(); // no connection configured: repository view only
      }
      r.put("streamer", "unknown: server unreachable (" + e.getMessage() + ")");
    }
    return Optional.of(r);
  }
}
