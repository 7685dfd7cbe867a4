package org.pghardstorage.batch.basebackup;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.core.wal.WalPreflight;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;

/**
 * Step 1 of {@code base-backup}: the server is reachable with the stored credentials and its WAL
 * settings allow a consistent backup. A running streamer on the slot counts as healthy.
 */
@Named("backupPreflight")
@Dependent
public class PreflightBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private DeploymentService deployments;

  @Override
  public String process() {
    try {
      Protected p = deployments.require(RunContext.deployment(job));
      PreflightReport report = run(p);
      report.requireOk();
      return "PREFLIGHT OK";
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }

  /** Runs the WAL preflight of {@code p} (also the API's connection test). */
  public static PreflightReport run(Protected p) {
    try (ReplicationConnection c =
        ReplicationConnection.open(
            p.connInfo(),
            ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage preflight"))) {
      return new WalPreflight(false, true).run(c.connection(), p.slot());
    }
  }
}
