package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.pghardstorage.devstack.PgCluster;

/**
 * Test scaffolding shared by the WAL and point-in-time ITs: a source cluster with a markers table,
 * a repository, and a streamer process whose ndjson status is read back.
 */
public final class StreamedCluster {
  static final ObjectMapper JSON = new ObjectMapper();

  private StreamedCluster() {}

  public static String conninfo(PgCluster pg) {
    return "host=127.0.0.1 port="
        + pg.port()
        + " user=backup password=backup-secret dbname=postgres";
  }

  public static void prepare(PgCluster pg) {
    pg.createRole("backup", "backup-secret", true);
    pg.execute(
        "postgres",
        "CREATE TABLE markers (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
  }

  public static Cli.Background stream(Path log, PgCluster pg, String repo) {
    return Cli.start(
        log,
        "wal",
        "stream",
        "db1",
        "--pg-connection",
        conninfo(pg),
        "--repo",
        repo,
        "--status-interval",
        "0.2",
        "--output",
        "ndjson");
  }

  public static void mark(PgCluster pg, int from, int to) {
    for (int i = from; i <= to; i++) {
      pg.execute("postgres", "INSERT INTO markers (id) VALUES (" + i + ")");
    }
  }

  public static String insertLsn(PgCluster pg) {
    return pg.queryValue("postgres", "SELECT pg_current_wal_insert_lsn()");
  }

  static String now(PgCluster pg) {
    return pg.queryValue(
        "postgres",
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
  }

  public static long lsn(String text) {
    String[] p = text.split("/");
    return (Long.parseLong(p[0], 16) << 32) | Long.parseLong(p[1], 16);
  }

  /** The durable LSN the streamer last reported, or 0. */
  public static long durable(Cli.Background streamer) {
    long best = 0;
    for (String line : streamer.output().split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        JsonNode d = n.path("progress").path("durable_lsn");
        if (d.isTextual() && d.asText().contains("/")) {
          best = Math.max(best, lsn(d.asText()));
        }
      } catch (java.io.IOException e) {
        // a line cut while being written; the next poll reads it whole
      }
    }
    return best;
  }

  /** Waits until the streamer has made everything up to {@code lsn} durable. */
  public static void awaitDurable(Cli.Background streamer, String lsn) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    long want = lsn(lsn);
    while (durable(streamer) < want) {
      assertThat(streamer.process().isAlive())
          .as("streamer alive:\n%s", streamer.output())
          .isTrue();
      assertThat(Instant.now())
          .as("WAL up to %s durable; streamer says:\n%s", lsn, tail(streamer))
          .isBefore(deadline);
      sleep(200);
    }
  }

  public static String tail(Cli.Background b) {
    List<String> lines = List.of(b.output().split("\n"));
    return lines.subList(Math.max(0, lines.size() - 10), lines.size()).stream()
        .collect(Collectors.joining("\n"));
  }

  /** Starts PostgreSQL on a restored directory and waits until recovery paused at its target. */
  static PgCluster startPaused(int major, Path dir, String password) {
    PgCluster c = PgCluster.startExisting(major, dir, password, Map.of());
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (!"paused".equals(c.queryValue("postgres", "SELECT pg_get_wal_replay_pause_state()"))) {
      assertThat(Instant.now())
          .as("recovery paused at its target; log:\n%s", c.logTail())
          .isBefore(deadline);
      sleep(200);
    }
    return c;
  }

  public static List<Integer> markers(PgCluster pg) {
    return pg.query("postgres", "SELECT id FROM markers ORDER BY id").stream()
        .map(r -> Integer.parseInt(r.get(0)))
        .toList();
  }

  public static List<Integer> range(int from, int to) {
    return java.util.stream.IntStream.rangeClosed(from, to).boxed().toList();
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Restores the latest backup of {@code db1} to the latest WAL into {@code target}, starts
   * PostgreSQL on it and waits until it has promoted. The caller closes the cluster.
   */
  public static PgCluster restoreLatestAndStart(
      int major, String repo, Path target, String password) {
    Cli.Result r =
        Cli.run(
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            target.toString(),
            "--to-latest");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    PgCluster restored = PgCluster.startExisting(major, target, password, Map.of());
    try {
      restored.awaitPromotion(Duration.ofMinutes(5));
      return restored;
    } catch (RuntimeException | AssertionError e) {
      restored.close();
      throw e;
    }
  }

  /** Stops {@code source} and deletes the run directory (unless {@code -Dpghs.it.keep}). */
  public static void closeAndDelete(PgCluster source, Path work) {
    if (source != null) {
      source.close();
    }
    if (work != null && !Boolean.getBoolean("pghs.it.keep")) {
      org.pghardstorage.devstack.Cmd.run(
          List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
    }
  }
}
