package org.pghardstorage.batch.basebackup;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.metrics.StorageRetries;

/**
 * Step 3 of {@code base-backup}: indexes the committed backup in the catalogue from its manifest,
 * as read back from the repository (the source of truth).
 */
@Named("backupPublish")
@Dependent
public class PublishBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;
  @EJB private JobRuns runs;
  @EJB private CatalogueService catalogue;

  @Override
  public String process() {
    try {
      Protected p = deployments.require(RunContext.deployment(job));
      String id = runs.find(RunContext.run(job)).orElseThrow().result();
      BackupManifest m;
      try (OpenedRepository o = p.openForWal(retries.listener(p.deployment().name()))) {
        m =
            o.repository()
                .readManifest(p.deployment(), BackupId.parse(id))
                .orElseThrow(
                    () ->
                        new HardstorageException(
                            "backup.not_found",
                            ExitCode.NOT_FOUND,
                            "backup " + id + " is not in the repository after its commit",
                            "check the repository; then POST /api/v1/catalogue/rebuild"));
      }
      catalogue.publish(m);
      return id;
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }
}
