package org.pghardstorage.ejb.status;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Optional;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.job.JobRuns;

/**
 * One deployment in detail for the console's deployment page: its backups from the catalogue, its
 * job runs and events, and its WAL audit, each from the service that gives it to the REST API.
 */
@Stateless
public class DeploymentDetails {
  /** How many backups, job runs and events the page shows, newest first. */
  static final int RECENT = 50;

  @EJB private DeploymentService deployments;
  @EJB private CatalogueService catalogue;
  @EJB private JobRuns jobs;
  @EJB private EventLog events;
  @EJB private DeploymentStatusService status;

  /**
   * {@code name} in detail, or empty when the catalogue has no such deployment. Not one
   * transaction: each part is read in its own, so a repository that cannot be read (which rolls
   * back the transaction it ends) still leaves the catalogue's parts shown, with the reason.
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public Optional<DeploymentDetail> find(String name) {
    if (name == null || deployments.find(name).isEmpty()) {
      return Optional.empty();
    }
    WalAudit.Report wal = null;
    String walUnreadable = null;
    try {
      wal = status.walAudit(name);
    } catch (HardstorageException e) {
      walUnreadable = e.getMessage();
    }
    return Optional.of(
        new DeploymentDetail(
            name,
            catalogue.backups(name, RECENT, null).items(),
            jobs.page(name, RECENT, null).items(),
            events.page(name, RECENT, null).items(),
            wal,
            walUnreadable));
  }
}
