package org.pghardstorage.batch.common;

import jakarta.batch.api.listener.AbstractJobListener;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.ejb.job.JobRuns;

/** Ties a batch execution to its catalogue job run: attached at start, ended with its outcome. */
@Named("jobRunListener")
@Dependent
public class JobRunListener extends AbstractJobListener {
  @Inject private JobContext job;

  @EJB private JobRuns runs;

  @Override
  public void beforeJob() {
    runs.attach(RunContext.run(job), job.getExecutionId());
  }

  @Override
  public void afterJob() {
    BatchStatus s = job.getBatchStatus();
    Object error = job.getTransientUserData();
    String state =
        switch (s) {
          case COMPLETED -> "completed";
          case STOPPING, STOPPED -> "stopped";
          default -> error == null && s != BatchStatus.FAILED ? "completed" : "failed";
        };
    runs.end(
        RunContext.run(job),
        state,
        error != null ? error.toString() : state.equals("failed") ? job.getExitStatus() : null);
  }
}
