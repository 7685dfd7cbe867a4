package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.ServletContext;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.status.DeploymentStatusService;
import org.pghardstorage.ejb.system.Health;
import org.pghardstorage.ejb.system.SystemService;

/** The overview page: server health, every deployment at a glance, and the newest events. */
@Named
@RequestScoped
public class ConsoleView {
  @EJB private SystemService system;
  @EJB private EventLog events;
  @EJB private org.pghardstorage.ejb.deployment.DeploymentService deployments;
  @EJB private org.pghardstorage.ejb.streamer.StreamerSupervisor streamers;
  @EJB private org.pghardstorage.ejb.catalogue.CatalogueService catalogue;
  @EJB private DeploymentStatusService status;

  /**
   * One deployment's line on the overview.
   *
   * @param name the deployment
   * @param streamer the streamer's state here (or "elsewhere"/"off")
   * @param lagBytes WAL not yet durable, in bytes (blank when not streaming here)
   * @param lastBackup the newest backup's end time and id, or blank
   * @param verified the newest backup's verification verdict, or blank
   * @param health green, amber or red by the one health model (docs/reference/health.md), or {@code
   *     unknown} when it cannot be judged (the repository unreachable)
   * @param healthReasons why it is not green
   */
  public record DeploymentRow(
      String name,
      String streamer,
      String lagBytes,
      String lastBackup,
      String verified,
      String health,
      String healthReasons) {}

  /**
   * One event on the overview: what the page shows, not the catalogue's entity.
   *
   * @param occurredAt when
   * @param kind what kind of event
   * @param actor who, or blank for the server itself
   * @param message what happened
   */
  public record EventRow(OffsetDateTime occurredAt, String kind, String actor, String message) {}

  private List<DeploymentRow> rows;
  private Health health;
  private List<EventRow> recent;

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
                  d ->
                      row(
                          d.name(),
                          d.streaming(),
                          streamers.status(d.name()),
                          catalogue.backups(d.name(), 1, null).items().stream().findFirst(),
                          () -> status.health(d.name())))
              .toList();
    }
    return rows;
  }

  /**
   * One deployment's line: what the page shows of the streamer here, the newest catalogued backup
   * and the health the server's status service judged ({@code unknown}, with the reason, when it
   * could not).
   *
   * @param streamingWanted whether its streamer is switched on
   * @param here its streamer's status on this instance, if it runs here
   * @param last its newest catalogued backup
   */
  static DeploymentRow row(
      String name,
      boolean streamingWanted,
      Optional<StreamerStatus> here,
      Optional<BackupView> last,
      Supplier<DeploymentHealth> health) {
    String healthLabel;
    String reasons;
    try {
      DeploymentHealth h = health.get();
      healthLabel = h.status().label();
      reasons = String.join("; ", h.reasons());
    } catch (HardstorageException e) {
      healthLabel = "unknown";
      reasons = e.getMessage();
    }
    return new DeploymentRow(
        name,
        here.map(s -> s.state().name()).orElse(streamingWanted ? "elsewhere" : "off"),
        here.map(s -> Long.toString(s.lagBytes())).orElse(""),
        last.map(b -> b.finishedAt() + " (" + b.backupId() + ")").orElse(""),
        last.map(
                b ->
                    b.verifyOk() == null
                        ? "not yet"
                        : b.verifyOk() ? "passed " + b.verifiedAt() : "FAILED")
            .orElse(""),
        healthLabel,
        reasons);
  }

  /** The 20 newest events. */
  public List<EventRow> getEvents() {
    if (recent == null) {
      recent =
          events.recent(20).stream()
              .map(e -> new EventRow(e.getOccurredAt(), e.getKind(), e.getActor(), e.getMessage()))
              .toList();
    }
    return recent;
  }
}
