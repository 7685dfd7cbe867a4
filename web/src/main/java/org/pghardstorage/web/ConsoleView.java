package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.ServletContext;
import java.time.OffsetDateTime;
import java.util.List;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.status.DeploymentOverview;
import org.pghardstorage.ejb.status.DeploymentStatusService;
import org.pghardstorage.ejb.system.Health;
import org.pghardstorage.ejb.system.SystemService;

/** The overview page: server health, every deployment at a glance, and the newest events. */
@Named
@RequestScoped
public class ConsoleView {
  /** What the page shows for a figure nobody can tell: never a guessed zero. */
  static final String UNKNOWN = "unknown";

  @EJB private SystemService system;
  @EJB private EventLog events;
  @EJB private DeploymentStatusService status;

  /**
   * One deployment's line on the dashboard, formatted for reading; {@value #UNKNOWN} where the
   * services could not tell.
   *
   * @param name the deployment
   * @param health green, amber or red by the one health model (docs/reference/health.md), or {@code
   *     unknown} when it cannot be judged (the repository unreadable)
   * @param healthReasons why it is not green, or why it cannot be judged; blank when green
   * @param streamer the streamer's state here, {@code elsewhere (instance)}, {@code not running} or
   *     {@code off}
   * @param walLag WAL not yet durable, in bytes and seconds
   * @param rpo the recovery point objective now
   * @param lastBackup the newest backup's age and id, or {@code none}
   * @param lastBackupResult the state of this server's newest backup job run
   * @param lastVerification when the newest backup was last verified and whether it passed, or
   *     {@code never}
   * @param repositorySize the bytes the deployment occupies in its repository
   * @param dedupRatio the share of the newest backup's bytes already in the repository
   */
  public record DeploymentRow(
      String name,
      String health,
      String healthReasons,
      String streamer,
      String walLag,
      String rpo,
      String lastBackup,
      String lastBackupResult,
      String lastVerification,
      String repositorySize,
      String dedupRatio) {}

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

  /** Every deployment's line, computed once per request. */
  public List<DeploymentRow> getDeployments() {
    if (rows == null) {
      rows = status.overviews().stream().map(ConsoleView::row).toList();
    }
    return rows;
  }

  /** The line the page shows for {@code o}: formatting only, every figure is the service's. */
  static DeploymentRow row(DeploymentOverview o) {
    boolean repositoryRead = !o.health().equals(UNKNOWN);
    String lastBackup;
    String lastVerification;
    if (!repositoryRead) {
      lastBackup = UNKNOWN;
      lastVerification = UNKNOWN;
    } else if (o.lastBackupId() == null) {
      lastBackup = "none";
      lastVerification = "none";
    } else {
      lastBackup =
          (o.lastBackupAgeSeconds() == null
                  ? UNKNOWN
                  : Formats.duration(o.lastBackupAgeSeconds()) + " ago")
              + " ("
              + o.lastBackupId()
              + ")";
      lastVerification =
          o.lastVerifyOk() == null
              ? "never"
              : (o.lastVerifyOk() ? "passed " : "FAILED ") + Formats.instant(o.lastVerifiedAt());
    }
    String result;
    if (o.lastBackupRunState() == null) {
      result = UNKNOWN;
    } else if (o.lastBackupRunError() != null) {
      result = o.lastBackupRunState() + ": " + o.lastBackupRunError();
    } else {
      result = o.lastBackupRunState();
    }
    return new DeploymentRow(
        o.deployment(),
        o.health(),
        String.join("; ", o.healthReasons()),
        o.streamerInstance() == null
            ? o.streamer()
            : o.streamer() + " (" + o.streamerInstance() + ")",
        o.walLagBytes() == null
            ? UNKNOWN
            : Formats.bytes(o.walLagBytes()) + ", " + Formats.seconds(o.walLagSeconds()),
        o.rpoSeconds() == null ? UNKNOWN : Formats.duration(o.rpoSeconds()),
        lastBackup,
        result,
        lastVerification,
        o.repositoryBytes() == null ? UNKNOWN : Formats.bytes(o.repositoryBytes()),
        o.dedupRatio() == null ? UNKNOWN : Formats.percent(o.dedupRatio()));
  }

  /**
   * What the overview's live refresh compares to tell whether to re-render the page's parts: each
   * deployment's states (health, streamer, newest backup's id, backup job, verification) and the
   * events, not the ages and lags that move every second, which are re-rendered with them or at
   * least once a minute ({@link #minute()}).
   */
  public String getFingerprint() {
    return fingerprint(getDeployments(), getEvents(), minute());
  }

  /** The fingerprint of these lines and events in {@code minute}; ages and lags left out. */
  static String fingerprint(List<DeploymentRow> rows, List<EventRow> events, long minute) {
    List<List<String>> states =
        rows.stream()
            .map(
                d ->
                    List.of(
                        d.name(),
                        d.health(),
                        d.streamer(),
                        backupIdOf(d.lastBackup()),
                        d.lastBackupResult(),
                        d.lastVerification()))
            .toList();
    return Integer.toHexString(java.util.Objects.hash(states, events, minute));
  }

  /** The current minute: a live page re-renders its ages and lags at least this often. */
  static long minute() {
    return System.currentTimeMillis() / 60_000;
  }

  /** The id in {@code 3 h 12 min ago (ID)}, or the whole text when there is none. */
  private static String backupIdOf(String lastBackup) {
    int open = lastBackup.lastIndexOf('(');
    return open < 0 ? lastBackup : lastBackup.substring(open);
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
