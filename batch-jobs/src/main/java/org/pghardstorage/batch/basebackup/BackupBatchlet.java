package org.pghardstorage.batch.basebackup;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.backup.BackupProgress;
import org.pghardstorage.core.backup.BackupRequest;
import org.pghardstorage.core.backup.BackupResult;
import org.pghardstorage.core.backup.BackupRunner;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.metrics.StorageRetries;

/**
 * Step 2 of {@code base-backup}: the engine's {@link BackupRunner} takes the backup (BASE_BACKUP,
 * then waits for the end WAL, from the running streamer when there is one) and commits it. The
 * backup id becomes the job run's result.
 */
@Named("backupRun")
@Dependent
public class BackupBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private DeploymentService deployments;
  @EJB private JobRuns runs;
  @EJB private StorageRetries retries;

  @Override
  public String process() {
    try {
      DeploymentContext c = deployments.require(RunContext.deployment(job)).context();
      long run = RunContext.run(job);
      // the context's slot: a deployment with its own slot has its streamer found there
      BackupRequest request = c.backupRequest("pg_hardstorage " + c.deployment());
      try (OpenedRepository o = c.open(retries.listener(c.deployment().name()))) {
        BackupResult r =
            new BackupRunner(o.repository(), Clock.systemUTC()).run(request, progress(run));
        String id = r.manifest().backupId().value();
        runs.result(run, id);
        return id;
      }
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }

  private BackupProgress progress(long run) {
    return new BackupProgress() {
      private long lastReport;

      @Override
      public void copied(long bytes, long estimatedTotal) {
        long now = System.nanoTime();
        if (now - lastReport > 2_000_000_000L) {
          lastReport = now;
          runs.progress(run, bytes, Math.max(estimatedTotal, bytes));
        }
      }
    };
  }
}
