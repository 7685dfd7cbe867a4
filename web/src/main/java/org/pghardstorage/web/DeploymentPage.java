package org.pghardstorage.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.status.DeploymentDetail;
import org.pghardstorage.ejb.status.DeploymentDetails;
import org.pghardstorage.ejb.status.DeploymentStatusService;

/**
 * The deployment page ({@code deployment.xhtml?name=NAME}): one deployment's backups, job runs,
 * events and WAL coverage, formatted from what {@link DeploymentDetails} answers.
 */
@Named
@RequestScoped
public class DeploymentPage {
  @EJB private DeploymentDetails details;
  @EJB private DeploymentStatusService status;
  @EJB private DeploymentService deployments;

  private ConsoleView.DeploymentRow statusRow;

  private Optional<DeploymentDetail> detail;

  private Optional<WalChart.Chart> walChart;

  /**
   * One backup's line.
   *
   * @param id the backup id
   * @param label its label
   * @param timeline the timeline at its end
   * @param startLsn where its WAL starts, as the catalogue (and the API) give it
   * @param stopLsn where its WAL ends: the earliest consistent point
   * @param started when it started
   * @param duration how long it took
   * @param size the bytes read from the database
   * @param stored the bytes it added to the repository after compression
   * @param verification {@code passed <when>}, {@code FAILED (n errors) <when>} or {@code never}
   */
  public record BackupRow(
      String id,
      String label,
      long timeline,
      String startLsn,
      String stopLsn,
      String started,
      String duration,
      String size,
      String stored,
      String verification) {}

  /**
   * One job run's line.
   *
   * @param id the run id
   * @param kind base-backup, verify or rotate
   * @param status its state, with the error when it failed
   * @param started when it started
   * @param duration how long it ran, or {@code running}
   */
  public record JobRow(
      long id, String kind, String status, String progress, String started, String duration) {}

  /**
   * The newest rotation of the deployment, as the page shows it: the plan of a dry run (which the
   * operator can apply, exactly), or what an applying run did, or that it runs or failed.
   *
   * @param run the rotate job run
   * @param state {@code running} while it runs, {@code planned} (a finished dry run: its plan can
   *     be applied), {@code applied}, or {@code failed} (also when its result cannot be read)
   * @param summary one sentence about it
   * @param backups the plan's backups, oldest first (none while it runs or when it failed)
   */
  public record Rotation(long run, String state, String summary, List<RotationRow> backups) {
    /** Whether this is a finished dry run whose plan the operator may apply. */
    public boolean applicable() {
      return state.equals("planned");
    }
  }

  /**
   * One backup of a rotation plan.
   *
   * @param backupId the backup
   * @param action {@code keep} or {@code delete}
   * @param keptBy the rules that keep it, blank for a deleted one
   */
  public record RotationRow(String backupId, String action, String keptBy) {}

  /**
   * One event's line.
   *
   * @param at when
   * @param severity info, warning or error
   * @param kind the dotted kind
   * @param message what happened
   */
  public record EventRow(String at, String severity, String kind, String message) {}

  /**
   * One timeline's stored WAL, as the WAL audit finds it.
   *
   * @param timeline the timeline
   * @param firstSegment the first segment required on it
   * @param lastSegment the last segment stored, or the one it branches in
   * @param segments how many segments of that range are stored
   * @param end how it ends: {@code partial (still streaming)}, {@code complete}, or {@code branches
   *     at <LSN>}
   */
  public record TimelineRow(
      long timeline, String firstSegment, String lastSegment, long segments, String end) {}

  /**
   * One gap in the stored WAL.
   *
   * @param timeline the timeline
   * @param segments the missing (or incomplete) segments, {@code first … last}
   * @param reason what is wrong
   * @param impact which recoveries it stops, in words
   */
  public record GapRow(long timeline, String segments, String reason, String impact) {}

  /** The deployment asked for, from the {@code name} query parameter (blank when absent). */
  public String getName() {
    return requestedName();
  }

  /** The {@code name} request parameter (of the query, or of a form post), blank when absent. */
  static String requestedName() {
    String name =
        FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("name");
    return name == null ? "" : name;
  }

  /** Whether the catalogue has the deployment asked for. */
  public boolean isFound() {
    return detail().isPresent();
  }

  /** Its backups, newest first. */
  public List<BackupRow> getBackups() {
    return rows(DeploymentDetail::backups, DeploymentPage::backup);
  }

  /** Its job runs, newest first. */
  public List<JobRow> getJobs() {
    return rows(DeploymentDetail::jobs, DeploymentPage::job);
  }

  /** Its events, newest first. */
  public List<EventRow> getEvents() {
    return rows(DeploymentDetail::events, DeploymentPage::event);
  }

  /** Why its WAL coverage cannot be shown (its repository could not be read), or blank. */
  public String getWalUnreadable() {
    return detail().map(DeploymentDetail::walUnreadable).orElse("");
  }

  /** Where the WAL must be continuous from: the start of the oldest backup, or blank. */
  public String getWalFrom() {
    return detail().map(DeploymentDetail::wal).map(WalAudit.Report::fromLsn).orElse("");
  }

  /** Its WAL per timeline. */
  public List<TimelineRow> getWalTimelines() {
    return rows(d -> d.wal() == null ? List.of() : d.wal().timelines(), DeploymentPage::timeline);
  }

  /**
   * The chart of its WAL coverage over time per timeline, or null when no WAL is stored (or its
   * repository could not be read): the page then says so instead of drawing an empty chart.
   */
  public WalChart.Chart getWalChart() {
    if (walChart == null) {
      walChart = detail().map(DeploymentDetail::wal).flatMap(WalChart::of);
    }
    return walChart.orElse(null);
  }

  /** The gaps in its WAL. */
  public List<GapRow> getWalGaps() {
    return rows(d -> d.wal() == null ? List.of() : d.wal().gaps(), DeploymentPage::gap);
  }

  /**
   * Its figures at a glance (health, streamer, WAL lag, RPO, newest backup) exactly as the
   * dashboard shows them, from {@link DeploymentStatusService#overview(String)}; null for a
   * deployment that is not there.
   */
  public ConsoleView.DeploymentRow getStatus() {
    if (statusRow == null && isFound()) {
      statusRow = ConsoleView.row(status.overview(getName()));
    }
    return statusRow;
  }

  /** Whether the catalogue says its streamer should run (switched on). */
  public boolean isStreaming() {
    return deployments.find(getName()).map(d -> d.streaming()).orElse(false);
  }

  /**
   * The newest job run in words ({@code Job run 17 (base-backup): running, 3 of 10 (30 %)}), for
   * the page's live announcement; blank when there is none.
   */
  public String getNewestJob() {
    List<JobRow> jobs = getJobs();
    if (jobs.isEmpty()) {
      return "";
    }
    JobRow j = jobs.get(0);
    return "Job run "
        + j.id()
        + " ("
        + j.kind()
        + "): "
        + j.status()
        + (j.progress().isEmpty() ? "" : ", " + j.progress());
  }

  /**
   * What the page's live refresh compares to tell whether to re-render its parts: the states shown
   * (health, streamer, job runs with their progress, backups, events, rotation), not the ages and
   * lags that move every second, which are re-rendered with them or at least once a minute. So a
   * page whose states did not change is left as it is, and a reader is not disturbed.
   */
  public String getFingerprint() {
    ConsoleView.DeploymentRow st = getStatus();
    return Integer.toHexString(
        java.util.Objects.hash(
            st == null ? null : st.health(),
            st == null ? null : st.streamer(),
            getJobs(),
            getBackups(),
            getEvents(),
            getRotation(),
            ConsoleView.minute()));
  }

  /** Its newest rotate job run, as a {@link Rotation}; null when it never rotated here. */
  public Rotation getRotation() {
    return detail()
        .flatMap(d -> d.jobs().stream().filter(j -> j.job().equals("rotate")).findFirst())
        .map(DeploymentPage::rotation)
        .orElse(null);
  }

  /** The lines of one part of the detail; none for a deployment that is not there. */
  private <T, R> List<R> rows(
      Function<DeploymentDetail, List<T>> part, Function<? super T, R> line) {
    return detail().map(d -> part.apply(d).stream().<R>map(line).toList()).orElse(List.of());
  }

  /** Forgets what was read, so that the page shows what an action just changed. */
  public void reload() {
    detail = null;
    walChart = null;
    statusRow = null;
  }

  private Optional<DeploymentDetail> detail() {
    if (detail == null) {
      String name = getName();
      detail = name.isEmpty() ? Optional.empty() : details.find(name);
    }
    return detail;
  }

  static BackupRow backup(BackupView b) {
    String verification;
    if (b.verifyOk() == null) {
      verification = "never";
    } else if (b.verifyOk()) {
      verification = "passed " + moment(b.verifiedAt());
    } else {
      Integer n = b.verifyErrors();
      verification =
          "FAILED ("
              + (n == null ? ConsoleView.UNKNOWN + " errors" : n + (n == 1 ? " error" : " errors"))
              + ") "
              + moment(b.verifiedAt());
    }
    return new BackupRow(
        b.backupId(),
        b.label(),
        b.timeline(),
        b.startLsn(),
        b.stopLsn(),
        moment(b.startedAt()),
        between(b.startedAt(), b.finishedAt()),
        Formats.bytes(b.bytesRead()),
        Formats.bytes(b.bytesStored()),
        verification);
  }

  static JobRow job(JobRunView j) {
    String progress;
    if (j.progressTotal() > 0) {
      progress =
          j.progressDone()
              + " of "
              + j.progressTotal()
              + " ("
              + Math.min(100, j.progressDone() * 100 / j.progressTotal())
              + " %)";
    } else {
      progress = j.progressDone() > 0 ? j.progressDone() + " done" : "";
    }
    return new JobRow(
        j.id(),
        j.job(),
        j.error() == null ? j.state() : j.state() + ": " + j.error(),
        progress,
        moment(j.startedAt()),
        j.endedAt() == null ? j.state() : between(j.startedAt(), j.endedAt()));
  }

  /**
   * What the page shows of a rotate run: its recorded {@link
   * org.pghardstorage.core.retention.RotationDocument}, read as untrusted (a result it cannot read
   * is said, never guessed at, and offers no apply).
   */
  static Rotation rotation(JobRunView j) {
    switch (j.state()) {
      case "running":
        return new Rotation(
            j.id(),
            "running",
            "Rotation job run " + j.id() + " is running: the plan is shown here when it ends.",
            List.of());
      case "completed":
        break;
      default:
        return new Rotation(
            j.id(),
            "failed",
            "Rotation job run "
                + j.id()
                + " "
                + j.state()
                + (j.error() == null ? "" : ": " + j.error()),
            List.of());
    }
    JsonNode doc;
    try {
      doc = ResultJson.mapper().readTree(j.result() == null ? "" : j.result());
    } catch (JsonProcessingException e) {
      doc = null;
    }
    if (doc == null || !doc.path("applied").isBoolean() || !doc.path("backups").isArray()) {
      return new Rotation(
          j.id(),
          "failed",
          "Rotation job run " + j.id() + " recorded no rotation plan that can be read.",
          List.of());
    }
    List<RotationRow> rows = new java.util.ArrayList<>();
    for (JsonNode b : doc.path("backups")) {
      rows.add(
          new RotationRow(
              b.path("backup_id").asText(), b.path("action").asText(), b.path("kept_by").asText()));
    }
    boolean applying = doc.path("applied").booleanValue();
    long kept = rows.stream().filter(r -> r.action().equals("keep")).count();
    return new Rotation(
        j.id(),
        applying ? "applied" : "planned",
        applying
            ? "Rotation job run "
                + j.id()
                + " applied its plan: it kept "
                + kept
                + " and deleted "
                + (rows.size() - kept)
                + " backups."
            : "Rotation plan of job run "
                + j.id()
                + " (dry run, nothing deleted): it keeps "
                + kept
                + " and would delete "
                + (rows.size() - kept)
                + " backups.",
        rows);
  }

  static EventRow event(EventLog.EventView e) {
    return new EventRow(moment(e.occurredAt()), e.severity(), e.kind(), e.message());
  }

  static TimelineRow timeline(WalAudit.TimelineCoverage t) {
    String end;
    if (t.branchLsn() != null) {
      end = "branches at " + t.branchLsn();
    } else {
      end = t.endsWithPartial() ? "partial (still streaming)" : "complete";
    }
    return new TimelineRow(t.timeline(), t.firstSegment(), t.lastSegment(), t.segments(), end);
  }

  static GapRow gap(WalAudit.Gap g) {
    return new GapRow(
        g.timeline(),
        g.fromSegment().equals(g.toSegment())
            ? g.fromSegment()
            : g.fromSegment() + " … " + g.toSegment(),
        g.reason(),
        g.impact() == WalAudit.Impact.BEFORE_NEWEST_BACKUP
            ? "recovery to moments before the newest backup"
            : "the newest backup, or recovery to the latest moment");
  }

  /** A catalogue moment ({@code OffsetDateTime} text) in UTC to the second; unknown if absent. */
  private static String moment(String offsetDateTime) {
    return offsetDateTime == null
        ? ConsoleView.UNKNOWN
        : Formats.instant(OffsetDateTime.parse(offsetDateTime).toInstant());
  }

  private static String between(String from, String to) {
    return Formats.duration(
        Duration.between(OffsetDateTime.parse(from), OffsetDateTime.parse(to)).toSeconds());
  }
}
