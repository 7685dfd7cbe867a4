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
import java.util.HashMap;
import java.util.Map;
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
import org.pghardstorage.ejb.event.EventLog;

/**
 * Each deployment's backup, verify and rotate schedules as persistent EJB timers that start the
 * jobs. Timers follow the catalogue: {@link #sync()} runs at start-up, after every change through
 * the API, and every minute. A schedule that cannot start its job (one is still running, the
 * deployment is unreachable) is a missed schedule: an event and {@code
 * pg_hardstorage_schedule_missed_total}.
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

  @Resource private TimerService timers;

  @EJB private DeploymentService deployments;
  @EJB private JobService jobs;
  @EJB private EventLog events;

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  private MetricRegistry registry;

  @PostConstruct
  void start() {
    try {
      sync();
    } catch (RuntimeException e) {
      // the minute timer tries again; a bad timer store must not stop the application
      LOG.log(Level.WARNING, "cannot set the schedules at start-up: " + e.getMessage(), e);
    }
  }

  /** Makes the timers match the catalogue's schedules. */
  @Schedule(minute = "*", hour = "*", persistent = false)
  public synchronized void sync() {
    Map<String, String> wanted = new HashMap<>();
    for (DeploymentView d : deployments.list()) {
      put(wanted, d.name(), "backup", d.backupSchedule());
      put(wanted, d.name(), "verify", d.verifySchedule());
      put(wanted, d.name(), "rotate", d.rotateSchedule());
    }
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
  }

  private static void put(Map<String, String> wanted, String deployment, String kind, String cron) {
    if (cron != null && !cron.isBlank()) {
      // the expression is part of the key, so a changed expression replaces its timer
      wanted.put(deployment + "|" + kind + "|" + cron, cron);
    }
  }

  @Timeout
  void fire(Timer timer) {
    String[] info = ((String) timer.getInfo()).split("\\|", 3);
    String deployment = info[0];
    String job = JOB_OF.get(info[1]);
    try {
      jobs.start(job, deployment, "scheduler", "schedule", Map.of());
    } catch (HardstorageException e) {
      registry
          .counter(
              "pg_hardstorage_schedule_missed",
              new Tag("deployment", deployment),
              new Tag("job", job))
          .inc();
      events.record(
          deployment,
          "schedule.missed",
          "warning",
          "scheduler",
          "scheduled " + job + " did not start: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "scheduled " + job + " of " + deployment + " failed to start", e);
    }
  }
}
