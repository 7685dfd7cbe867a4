package org.pghardstorage.batch.basebackup;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.ejb.status.DeploymentStatusService;

/**
 * Step 1 of {@code base-backup}: the server is reachable with the stored credentials and its WAL
 * settings allow a consistent backup. A running streamer on the slot counts as healthy.
 */
@Named("backupPreflight")
@Dependent
public class PreflightBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private DeploymentStatusService status;

  @Override
  public String process() {
    try {
      status.connectionTest(RunContext.deployment(job)).requireOk();
      return "PREFLIGHT OK";
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }
}
