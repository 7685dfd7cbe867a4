package org.pghardstorage.it.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.PgCluster;

/**
 * Debian's pgbench (PostgreSQL 15 client; it drives 16–18 servers too): initialises a database and
 * runs a write load in the background while backups run.
 */
public final class Pgbench implements AutoCloseable {
  static final Path PGBENCH = Path.of("/usr/lib/postgresql/15/bin/pgbench");

  private final Process load;

  private Pgbench(Process load) {
    this.load = load;
  }

  /** Creates the pgbench tables at {@code scale} in {@code db}. */
  public static void init(PgCluster pg, String db, int scale) {
    requireInstalled();
    Cmd.run(
            List.of(
                PGBENCH.toString(),
                "-i",
                "-q",
                "-s",
                String.valueOf(scale),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(pg.port()),
                "-U",
                "postgres",
                db),
            null,
            Map.of("PGPASSWORD", pg.password()),
            Duration.ofMinutes(10))
        .orThrow();
  }

  /**
   * Starts TPC-B-like writes at about {@code tps} transactions a second for at most {@code max}.
   */
  public static Pgbench start(PgCluster pg, String db, int clients, int tps, Duration max) {
    requireInstalled();
    ProcessBuilder pb =
        new ProcessBuilder(
                PGBENCH.toString(),
                "-n",
                "-c",
                String.valueOf(clients),
                "-j",
                "1",
                "-R",
                String.valueOf(tps),
                "-T",
                String.valueOf(max.toSeconds()),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(pg.port()),
                "-U",
                "postgres",
                db)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PGPASSWORD", pg.password());
    try {
      return new Pgbench(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start pgbench", e);
    }
  }

  /** Whether the load is still running. */
  public boolean running() {
    return load.isAlive();
  }

  /** Stops the load (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    load.destroy();
    try {
      if (!load.waitFor(20, TimeUnit.SECONDS)) {
        load.destroyForcibly();
        load.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void requireInstalled() {
    if (!Files.isExecutable(PGBENCH)) {
      throw new IllegalStateException(
          PGBENCH + " is missing: install Debian's postgresql-15 (.ci/run does)");
    }
  }
}
