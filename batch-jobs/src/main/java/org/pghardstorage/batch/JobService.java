package org.pghardstorage.batch;

import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.pghardstorage.batch.rotate.ReviewedRun;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.restore.ServerRestore;
import org.pghardstorage.persistence.entity.JobRunEntity;

/**
 * Starts the product's jobs for a deployment, whoever asks (the API, the console, a schedule): one
 * run of a kind per deployment at a time, each recorded in the catalogue with who started it.
 */
@Stateless
// the batch runtime manages its own transactions; a caller's JTA transaction must not swallow them
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class JobService {
  /** The jobs a client may start, by the name the API uses. */
  public static final Set<String> JOBS = Set.of("base-backup", "verify", "rotate", "restore");

  private static final Set<BatchStatus> ACTIVE =
      Set.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);

  @EJB private JobLauncher launcher;
  @EJB private JobRuns runs;
  @EJB private DeploymentService deployments;
  @EJB private ServerRestore restores;

  /**
   * Starts {@code job} for {@code deployment}.
   *
   * @param parameters job parameters beyond the deployment (for example {@code backup} for verify;
   *     {@code plan} and {@code confirm} for restore)
   * @throws HardstorageException {@code job.unknown} (USAGE), {@code deployment.not_found}
   *     (NOT_FOUND), {@code job.already_running} (CONFLICT); for a {@code rotate} with {@code
   *     reviewed_run}, {@code retention.reviewed_plan_invalid} (USAGE) when that run is not a
   *     completed dry run of the same deployment ({@link ReviewedRun}); for restore what {@link
   *     ServerRestore#approve} refuses
   */
  public JobRunView start(
      String job, String deployment, String actor, String trigger, Map<String, String> parameters) {
    if (!JOBS.contains(job)) {
      throw new HardstorageException(
          "job.unknown", ExitCode.USAGE, "no job '" + job + "'", "start one of " + JOBS);
    }
    deployments.require(deployment);
    if ("rotate".equals(job) && ReviewedRun.asked(parameters)) {
      // told at once rather than as a failed run; the job checks it again when it runs
      ReviewedRun.require(parameters, deployment, runs::find);
    }
    if (job.equals("restore")) {
      // a restore writes on this host: its plan and the typed confirmation are checked first
      restores.approve(deployment, parameters);
    }
    settleStale(job, deployment);
    long run = runs.begin(job, deployment, actor, trigger);
    Properties p = new Properties();
    parameters.forEach(p::setProperty);
    p.setProperty("deployment", deployment);
    p.setProperty("run", Long.toString(run));
    p.setProperty("actor", actor);
    try {
      runs.attach(run, launcher.start(job, p));
    } catch (RuntimeException e) {
      runs.end(run, "failed", "the batch runtime refused to start it: " + e.getMessage());
      throw e;
    }
    return runs.find(run).orElseThrow();
  }

  /**
   * A run left "running" by an execution the batch runtime no longer runs (the server died under
   * it) must not block new runs forever: record how it really ended.
   */
  private void settleStale(String job, String deployment) {
    Optional<JobRunEntity> r = runs.running(job, deployment);
    if (r.isEmpty() || r.get().getExecutionId() == null) {
      return;
    }
    Optional<JobExecution> e = launcher.execution(r.get().getExecutionId());
    if (e.isEmpty() || !ACTIVE.contains(e.get().getBatchStatus())) {
      runs.end(
          r.get().getId(),
          e.map(x -> x.getBatchStatus() == BatchStatus.COMPLETED ? "completed" : "failed")
              .orElse("failed"),
          "its batch execution is no longer running");
    }
  }
}
