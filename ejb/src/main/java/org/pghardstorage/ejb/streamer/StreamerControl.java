package org.pghardstorage.ejb.streamer;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pghardstorage.ejb.deployment.DeploymentService;

/**
 * Switches a deployment's streamer on or off and tells its state: the one service that {@code POST
 * /api/v1/deployments/{d}/streamer/start|stop}, {@code GET …/streamer} and the console's streamer
 * buttons call.
 */
@Stateless
// the switch must be committed before the supervisor reconciles, or it would not see it
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StreamerControl {
  @EJB private DeploymentService deployments;
  @EJB private StreamerSupervisor streamers;

  /**
   * The streamer of {@code name}: {@code deployment}, {@code lease_holder} (the instance holding
   * its lease, or null), {@code this_instance}, {@code status} (its state here, or null when it
   * does not run here).
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code deployment.not_found}
   */
  public Map<String, Object> view(String name) {
    deployments.require(name);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("deployment", name);
    view.put("lease_holder", streamers.leaseHolder(name).orElse(null));
    view.put("this_instance", streamers.owner());
    view.put("status", streamers.status(name).orElse(null));
    return view;
  }

  /**
   * Switches the streamer of {@code name} on ({@code on}) or off, recorded as done by {@code
   * actor}, and brings the streamers of this instance in line at once; answers {@link #view}.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code deployment.not_found}
   */
  public Map<String, Object> set(String name, boolean on, String actor) {
    deployments.setStreaming(name, on, actor);
    streamers.reconcile();
    return view(name);
  }
}
