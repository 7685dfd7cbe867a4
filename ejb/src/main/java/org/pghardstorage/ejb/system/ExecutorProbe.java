package org.pghardstorage.ejb.system;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Runs a task on the managed executor that will host the WAL streamers, proving that managed
 * threads can reach the catalogue. The streamer supervisor uses the same executor.
 */
@Stateless
public class ExecutorProbe {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @Resource private ManagedExecutorService executor;

  @Resource(lookup = "jdbc/pghs")
  private DataSource catalogue;

  /**
   * The result of one probe.
   *
   * @param thread the managed thread's name
   * @param callerThread the thread that submitted the task
   * @param catalogueTime the catalogue's {@code now()} as seen from the managed thread
   */
  public record Result(String thread, String callerThread, String catalogueTime) {}

  /** Submits the probe and waits for it. */
  public Result run() {
    String caller = Thread.currentThread().getName();
    Future<Result> f =
        executor.submit(() -> new Result(Thread.currentThread().getName(), caller, now()));
    try {
      return f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the executor probe", e);
    } catch (ExecutionException | TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException("executor probe failed: " + e.getMessage(), e);
    }
  }

  private String now() throws SQLException {
    try (Connection c = catalogue.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT now()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
