package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.ServletContext;
import java.util.List;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.system.Health;
import org.pghardstorage.ejb.system.SystemService;
import org.pghardstorage.persistence.entity.EventEntity;

/** The overview page: server health, every deployment at a glance, and the newest events. */
@Named
@RequestScoped
public class ConsoleView {
  @EJB private SystemService system;
  @EJB private EventLog events;
  @EJB private org.pghardstorage.ejb.deployment.DeploymentService deployments;
  @EJB private org.pghardstorage.ejb.streamer.StreamerSupervisor streamers;
  @EJB private org.pghardstorage.ejb.catalogue.CatalogueService catalogue;

  /**
   * One deployment's line on the overview.
   *
   * @param name the deployment
   * @param streamer the streamer's state here (or "elsewhere"/"off")
   * @param lagBytes WAL not yet durable, in bytes (blank when not streaming here)
   * @param lastBackup the newest backup's end time and id, or blank
   * @param verified the newest backup's verification verdict, or blank
   * @param green whether all is well: streaming and a backup exists that did not fail verification
   */
  public record DeploymentRow(
      String name,
      String streamer,
      String lagBytes,
      String lastBackup,
      String verified,
      boolean green) {}

  private List<DeploymentRow> rows;
  private Health health;
  private List<EventEntity> recent;

  /** Health, computed once per request. */
  public Health getHealth() {
    if (health == null) {
      ServletContext servlet =
          (ServletContext) FacesContext.getCurrentInstance().getExternalContext().getContext();
      health = system.health(servlet.getServerInfo());
    }
    return health;
  }

  /** Every deployment's state. */
  public List<DeploymentRow> getDeployments() {
    if (rows == null) {
      rows =
          deployments.list().stream()
              .map(
                  d -> {
                    var status = streamers.status(d.name());
                    String state =
                        status
                            .map(s -> s.state().name())
                            .orElse(d.streaming() ? "elsewhere" : "off");
                    var last = catalogue.backups(d.name(), 1, null).items().stream().findFirst();
                    boolean verifiedBad =
                        last.map(b -> Boolean.FALSE.equals(b.verifyOk())).orElse(false);
                    return new DeploymentRow(
                        d.name(),
                        state,
                        status.map(s -> Long.toString(s.lagBytes())).orElse(""),
                        last.map(b -> b.finishedAt() + " (" + b.backupId() + ")").orElse(""),
                        last.map(
                                b ->
                                    b.verifyOk() == null
                                        ? "not yet"
                                        : b.verifyOk() ? "passed " + b.verifiedAt() : "FAILED")
                            .orElse(""),
                        state.equals("STREAMING") && last.isPresent() && !verifiedBad);
                  })
              .toList();
    }
    return rows;
  }

  /** The 20 newest events. */
  public List<EventEntity> getEvents() {
    if (recent == null) {
      recent = events.recent(20);
    }
    return recent;
  }

  /** The signed-in user. */
  public String getUser() {
    var p = FacesContext.getCurrentInstance().getExternalContext().getUserPrincipal();
    return p == null ? "" : p.getName();
  }
}
