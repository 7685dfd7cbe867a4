package org.pghardstorage.batch;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.pghardstorage.batch.schedule.ScheduleService;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.DeploymentSpec;
import org.pghardstorage.ejb.deployment.DeploymentView;
import org.pghardstorage.ejb.streamer.StreamerSupervisor;

/**
 * Adds, changes and removes deployments for the REST API ({@code POST}, {@code PUT}, {@code DELETE
 * /api/v1/deployments}) and the console's add and edit page alike: the change through {@link
 * DeploymentService}, then the streamers and the schedule timers brought in line with the catalogue
 * at once (their own timers would do it within a minute). Not transactional itself, so that the
 * change is committed before the streamers and timers read the catalogue.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DeploymentChanges {
  @EJB private DeploymentService deployments;
  @EJB private StreamerSupervisor streamers;
  @EJB private ScheduleService schedules;

  /** Creates a deployment, as {@link DeploymentService#create}. */
  public DeploymentView create(DeploymentSpec spec, String actor) {
    DeploymentView d = deployments.create(spec, actor);
    follow();
    return d;
  }

  /** Replaces a deployment's settings, as {@link DeploymentService#update}. */
  public DeploymentView update(String name, DeploymentSpec spec, String actor) {
    DeploymentView d = deployments.update(name, spec, actor);
    follow();
    return d;
  }

  /** Removes a deployment from the catalogue, as {@link DeploymentService#delete}. */
  public void delete(String name, String actor) {
    deployments.delete(name, actor);
    follow();
  }

  /**
   * The connection test of a deployment's settings before they are saved, as {@link
   * DeploymentService#connectionTest(DeploymentSpec)}.
   */
  public PreflightReport connectionTest(DeploymentSpec spec) {
    return deployments.connectionTest(spec);
  }

  private void follow() {
    streamers.reconcile();
    schedules.sync();
  }
}
