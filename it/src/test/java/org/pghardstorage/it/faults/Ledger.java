package org.pghardstorage.it.faults;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.pghardstorage.devstack.PgCluster;

/**
 * A ledger of committed ids: one thread inserts a row per transaction into {@code ledger} on the
 * source, autocommit, as fast as a small pause allows. A row counts once its commit returned; the
 * fault suite checks that the restored cluster holds every one of them.
 */
final class Ledger implements AutoCloseable {
  private final Thread writer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong committed = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private Ledger(PgCluster pg) {
    pg.execute(
        "postgres",
        "CREATE TABLE IF NOT EXISTS ledger (id bigserial PRIMARY KEY,"
            + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
    writer = new Thread(() -> write(pg), "pghs-it-ledger");
    writer.setDaemon(true);
    writer.start();
  }

  static Ledger start(PgCluster pg) {
    return new Ledger(pg);
  }

  private void write(PgCluster pg) {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement()) {
      while (running.get()) {
        s.execute("INSERT INTO ledger DEFAULT VALUES");
        committed.incrementAndGet();
        Thread.sleep(3);
      }
    } catch (SQLException | RuntimeException e) {
      failure.set(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops writing; every row counted as committed is committed. */
  void stop() {
    running.set(false);
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failure.get() != null) {
      throw new AssertionError("the ledger writer failed", failure.get());
    }
  }

  /** Rows committed so far. */
  long committed() {
    return committed.get();
  }

  @Override
  public void close() {
    running.set(false);
  }
}
