package org.pghardstorage.batch.restore;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.restore.ServerRestore;

/**
 * {@code restore}: carries out a kept restore plan on the server host ({@link ServerRestore}), the
 * job parameter {@code plan} naming it; the run's result is the restore's result document, the one
 * {@code pg_hardstorage restore --output json} prints. {@link org.pghardstorage.batch.JobService}
 * checked the plan and the typed confirmation before starting the job; the service checks the plan
 * again here, as the directory may have changed since.
 */
@Named("restoreRun")
@Dependent
public class RestoreBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private ServerRestore restores;
  @EJB private JobRuns runs;

  @Override
  public String process() {
    try {
      long run = RunContext.run(job);
      String result =
          restores.restore(
              RunContext.deployment(job),
              RunContext.parameter(job, ServerRestore.PLAN, null),
              run,
              RunContext.parameter(job, "actor", "system"));
      runs.result(run, result);
      return "RESTORED";
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }
}
