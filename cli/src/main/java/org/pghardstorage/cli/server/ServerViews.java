package org.pghardstorage.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.cli.Bytes;
import org.pghardstorage.cli.output.BackupTable;
import org.pghardstorage.cli.output.Printer;

/**
 * {@code status} and {@code list} as the server sees them: its catalogue of deployments and backups
 * and its supervised streamers, in the shapes the repository-reading commands print.
 */
public final class ServerViews {
  private ServerViews() {}

  /** One status row per deployment (or for {@code deployment}), like {@code status} prints. */
  public static List<Map<String, Object>> status(ServerClient client, String deployment) {
    List<String> names = new ArrayList<>();
    if (deployment != null) {
      names.add(deployment);
    } else {
      for (JsonNode d : client.get("deployments")) {
        names.add(d.path("name").asText());
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String name : names) {
      String path = "deployments/" + ServerClient.encode(name);
      JsonNode view = client.get(path + "/streamer");
      JsonNode st = view.path("status");
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("deployment", name);
      r.put("server", client.api().toString());
      r.put("wal", "coverage: pg_hardstorage wal audit " + name + " (reads the repository)");
      if (st.isMissingNode() || st.isNull()) {
        String holder = view.path("lease_holder").asText(null);
        r.put(
            "streamer",
            holder != null
                ? "running on " + holder + " (another server instance)"
                : "not running on the server");
        r.put("streamer_up", holder != null);
      } else {
        long lag = st.path("lag_bytes").asLong(-1);
        r.put(
            "streamer",
            st.path("state").asText()
                + ", slot "
                + st.path("slot").asText()
                + " durable "
                + st.path("durable_lsn").asText("-")
                + ", lag "
                + (lag < 0 ? "?" : Bytes.human(lag))
                + (st.hasNonNull("last_error")
                    ? ", last error: " + st.path("last_error").asText()
                    : ""));
        r.put("streamer_up", "STREAMING".equals(st.path("state").asText()));
        r.put("lag_bytes", lag);
        r.put("streamer_status", st);
      }
      // judged by the server with the same rules and written as the same document
      JsonNode health = client.get(path + "/health");
      r.put("health", health);
      r.put(
          "rpo",
          health.path("rpo_seconds").isNumber()
              ? "~" + health.path("rpo_seconds").asLong() + " s"
              : "unknown");
      JsonNode last = client.items(path + "/backups?limit=1", 1);
      if (!last.isEmpty()) {
        JsonNode b = last.get(0);
        r.put(
            "last_backup",
            b.path("backup_id").asText()
                + " ending "
                + b.path("stop_lsn").asText()
                + ", finished "
                + b.path("finished_at").asText());
      }
      rows.add(r);
    }
    return rows;
  }

  /** {@code list [deployment]} from the server's catalogue. */
  public static void list(ServerClient client, String deployment, Printer printer) {
    if (deployment == null) {
      JsonNode ds = client.get("deployments");
      printer.result(
          Map.of("deployments", ds),
          out -> {
            if (ds.isEmpty()) {
              out.println("No deployments on " + client.api() + ".");
            }
            ds.forEach(
                d ->
                    out.println(
                        d.path("name").asText() + "  " + d.path("repository_url").asText()));
          });
      return;
    }
    JsonNode backups =
        client.items("deployments/" + ServerClient.encode(deployment) + "/backups", 0);
    printer.result(
        Map.of("deployment", deployment, "backups", backups),
        out -> {
          if (backups.isEmpty()) {
            out.println("No backups of " + deployment + " in the server's catalogue yet.");
            return;
          }
          BackupTable table = new BackupTable(out);
          for (JsonNode b : backups) {
            table.row(
                b.path("backup_id").asText(),
                b.path("finished_at").asText(""),
                b.path("start_lsn").asText(),
                b.path("stop_lsn").asText(),
                b.path("timeline").asLong(),
                b.path("bytes_read").asLong());
          }
        });
  }
}
