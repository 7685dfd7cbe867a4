package org.pghardstorage.batch.schedule;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.pghardstorage.batch.JobService;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.deployment.CronSchedule;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.DeploymentView;
import org.pghardstorage.ejb.deployment.ScheduleMarks;
import org.pghardstorage.ejb.event.EventLog;

/**
 * Each deployment's backup, verify and rotate schedules as persistent EJB timers that start the
 * jobs. Timers follow the catalogue: {@link #sync()} runs at start-up, after every change through
 * the API, and every minute.
 *
 * <p>A missed schedule is an event ({@code schedule.missed}) and counts in {@code
 * pg_hardstorage_schedule_missed_total}. A schedule is missed when its timer cannot start the job
 * (one is still running, the deployment is unreachable), and when an occurrence passed without its
 * timer firing: {@link ScheduleMarks} records how far each schedule was handled, and {@link
 * #sync()} reports every occurrence due more than {@link #GRACE} ago beyond that mark, which finds
 * the occurrences that fell into a downtime of the server.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ScheduleService {
  private static final Logger LOG = Logger.getLogger(ScheduleService.class.getName());

  /** Which job each schedule starts. */
  private static final Map<String, String> JOB_OF =
      Map.of("backup", "base-backup", "verify", "verify", "rotate", "rotate");

  /** How late a timer may fire before its occurrence counts as missed. */
  static final Duration GRACE = Duration.ofMinutes(2);

  @Resource private TimerService timers;

  @EJB private DeploymentService deployments;
  @EJB private JobService jobs;
  @EJB private EventLog events;
  @EJB private ScheduleMarks marks;

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  private MetricRegistry registry;

  @PostConstruct
  void start() {
    try {
      // only the timers: missed occurrences are checked by the first minutely sync, once the
      // application (and its metric registry) is up
      syncTimers();
    } catch (RuntimeException e) {
      // the minute timer tries again; a bad timer store must not stop the application
      LOG.log(Level.WARNING, "cannot set the schedules at start-up: " + e.getMessage(), e);
    }
  }

  /**
   * Makes the timers match the catalogue's schedules, and reports the occurrences that passed
   * without their timer firing.
   */
  @Schedule(minute = "*", hour = "*", persistent = false)
  public synchronized void sync() {
    Map<String, String> schedules = syncTimers();
    Instant now = Instant.now();
    Set<String> kept = new HashSet<>();
    schedules.forEach(
        (info, cron) -> {
          String[] k = info.split("\\|", 3);
          kept.add(k[0] + "|" + k[1]);
          Instant since = marks.handledUntil(k[0], k[1], cron, now);
          reportMissed(k[0], k[1], cron, since, now, "");
        });
    marks.retain(kept);
  }

  /** Makes the timers match the catalogue; returns the schedules (timer info to expression). */
  private synchronized Map<String, String> syncTimers() {
    Map<String, String> wanted = new HashMap<>();
    for (DeploymentView d : deployments.list()) {
      put(wanted, d.name(), "backup", d.backupSchedule());
      put(wanted, d.name(), "verify", d.verifySchedule());
      put(wanted, d.name(), "rotate", d.rotateSchedule());
    }
    Map<String, String> schedules = new HashMap<>(wanted);
    for (Timer t : timers.getTimers()) {
      if (!t.isPersistent() || !(t.getInfo() instanceof String info)) {
        continue;
      }
      if (wanted.remove(info) == null) {
        t.cancel();
      }
    }
    wanted.forEach(
        (info, cron) -> {
          timers.createCalendarTimer(CronSchedule.parse(info, cron), new TimerConfig(info, true));
          LOG.log(Level.INFO, "schedule {0} set to ''{1}''", new Object[] {info, cron});
        });
    return schedules;
  }

  /**
   * Reports the occurrences of a schedule due after {@code since} and more than {@link #GRACE}
   * before {@code now}, and marks them handled.
   */
  private void reportMissed(
      String deployment, String kind, String cron, Instant since, Instant now, String then) {
    CronSchedule.Due due =
        CronSchedule.occurrences(cron, since, now.minus(GRACE), ZoneId.systemDefault());
    if (due.count() == 0) {
      return;
    }
    String job = JOB_OF.get(kind);
    missed(
        deployment,
        job,
        due.count(),
        due.count() == 1
            ? "the " + job + " scheduled for " + due.first() + " did not run" + then
            : due.count()
                + " scheduled runs of "
                + job
                + " did not run (due from "
                + due.first()
                + " to "
                + due.last()
                + ")"
                + then);
    marks.handled(deployment, kind, due.last());
  }

  /** Counts {@code n} missed runs and records the event. */
  private void missed(String deployment, String job, int n, String message) {
    registry
        .counter(
            "pg_hardstorage_schedule_missed",
            new Tag("deployment", deployment),
            new Tag("job", job))
        .inc(n);
    events.record(deployment, "schedule.missed", "warning", "scheduler", message);
  }

  private static void put(Map<String, String> wanted, String deployment, String kind, String cron) {
    if (cron != null && !cron.isBlank()) {
      // the expression is part of the key, so a changed expression replaces its timer
      wanted.put(deployment + "|" + kind + "|" + cron, cron);
    }
  }

  @Timeout
  synchronized void fire(Timer timer) {
    String[] info = ((String) timer.getInfo()).split("\\|", 3);
    String deployment = info[0];
    String kind = info[1];
    String job = JOB_OF.get(kind);
    Instant now = Instant.now();
    try {
      // a timer the container fires late (catching up after a downtime) runs its job now, but the
      // occurrences it stands for were missed
      Instant since = marks.handledUntil(deployment, kind, info[2], now);
      reportMissed(deployment, kind, info[2], since, now, "; starting one now");
      marks.handled(deployment, kind, now);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot check the schedule marks of " + deployment, e);
    }
    try {
      jobs.start(job, deployment, "scheduler", "schedule", Map.of());
    } catch (HardstorageException e) {
      missed(deployment, job, 1, "scheduled " + job + " did not start: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "scheduled " + job + " of " + deployment + " failed to start", e);
    }
  }
}
