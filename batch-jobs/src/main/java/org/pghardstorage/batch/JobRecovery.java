package org.pghardstorage.batch;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.job.JobRuns;

/**
 * After a server crash the batch runtime still shows the executions that were running as STARTED,
 * and nothing would ever finish them. Shortly after start-up this marks each such execution FAILED
 * in the job repository (nothing can be running it: this server just started) and restarts the
 * restartable ones, which resume from their last checkpoint; a crashed backup is recorded as failed
 * (a new one is cheaper and safer than resuming BASE_BACKUP).
 *
 * <p>Instances sharing one catalogue each own the runs they start: recovery touches only this
 * instance's runs. Every minute this instance beats the heartbeat of its running runs, and fails
 * the runs of another instance that has been silent for {@link #SILENCE} (it crashed and did not
 * come back; its runs would otherwise block the next run of their job forever).
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class JobRecovery {
  private static final Logger LOG = Logger.getLogger(JobRecovery.class.getName());
  private static final Set<BatchStatus> ORPHANED =
      Set.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);

  @Resource private TimerService timers;

  @Resource(lookup = "jdbc/pghs-batch")
  private DataSource batchRepository;

  @EJB private JobRuns runs;
  @EJB private JobLauncher launcher;

  @PostConstruct
  void schedule() {
    // after the application has started, so the restarted jobs' artifacts resolve
    timers.createSingleActionTimer(5_000, new TimerConfig("job-recovery", false));
  }

  /** How long another instance's running run may go without a heartbeat. */
  static final Duration SILENCE = Duration.ofMinutes(5);

  /** Beats this instance's heartbeat and ends the runs of instances that fell silent. */
  @Schedule(minute = "*", hour = "*", persistent = false)
  void beat() {
    try {
      runs.heartbeat();
      int ended = runs.failAbandoned(SILENCE);
      if (ended > 0) {
        LOG.log(Level.WARNING, "ended {0} job run(s) of silent server instances", ended);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "job run heartbeat failed: " + e.getMessage(), e);
    }
  }

  @Timeout
  void recover() {
    for (JobRunView run : runs.runningHere()) {
      if (run.executionId() == null) {
        runs.end(run.id(), "failed", "the server stopped before the job started");
        continue;
      }
      Optional<JobExecution> e = launcher.execution(run.executionId());
      if (e.isEmpty() || !ORPHANED.contains(e.get().getBatchStatus())) {
        continue;
      }
      try {
        markFailed(run.executionId());
        if (run.job().equals("verify")) {
          long next = launcher.restart(run.executionId(), e.get().getJobParameters());
          runs.attach(run.id(), next);
          LOG.log(
              Level.INFO,
              "job run {0} ({1}) restarted as execution {2}",
              new Object[] {run.id(), run.job(), next});
        } else {
          runs.end(run.id(), "failed", "the server stopped while the job ran");
        }
      } catch (RuntimeException | SQLException ex) {
        LOG.log(Level.WARNING, "cannot recover job run " + run.id(), ex);
        runs.end(run.id(), "failed", "the server stopped while it ran; recovery failed: " + ex);
      }
    }
  }

  /** Sets the orphaned execution to FAILED, the state the batch runtime restarts from. */
  private void markFailed(long executionId) throws SQLException {
    try (Connection c = batchRepository.getConnection()) {
      String table = table(c, "executioninstancedata");
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE "
                  + table
                  + " SET batchstatus = 'FAILED', exitstatus = 'FAILED', endtime = now()"
                  + " WHERE jobexecid = ?")) {
        s.setLong(1, executionId);
        s.executeUpdate();
      }
    }
  }

  /** The job repository's table, schema-qualified and quoted as the batch runtime created it. */
  private static String table(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT table_schema, table_name FROM information_schema.tables"
                + " WHERE lower(table_name) = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the batch job repository has no table " + name);
        }
        return "\"" + rs.getString(1) + "\".\"" + rs.getString(2) + "\"";
      }
    }
  }
}
