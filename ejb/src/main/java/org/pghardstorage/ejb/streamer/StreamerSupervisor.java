package org.pghardstorage.ejb.streamer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.metrics.StorageRetries;
import org.pghardstorage.persistence.lease.StreamerLeases;

/**
 * Runs one {@link org.pghardstorage.core.wal.WalStreamer} per deployment on the managed executor
 * and keeps it running: every few seconds it reconciles what runs with what the catalogue says
 * should run, renews the lease of every streamer it runs, stops a streamer whose lease it lost, and
 * restarts a failed one after a jittered backoff. The lease in the catalogue makes sure two server
 * instances sharing one catalogue never stream the same slot.
 */
@Singleton
@Startup
@DependsOn("CatalogueStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StreamerSupervisor {
  private static final Logger LOG = Logger.getLogger(StreamerSupervisor.class.getName());

  /** How long a lease lasts without renewal; renewals come every {@link #TICK_SECONDS}. */
  static final Duration LEASE = Duration.ofSeconds(30);

  static final int TICK_SECONDS = 5;

  @Resource private ManagedExecutorService executor;

  @Resource(lookup = "jdbc/pghs")
  private DataSource catalogue;

  @EJB private DeploymentService deployments;
  @EJB private EventLog events;
  @EJB private StorageRetries retries;

  private final Map<String, SupervisedStreamer> running = new ConcurrentHashMap<>();
  private StreamerLeases leases;
  private volatile boolean shuttingDown;

  @PostConstruct
  void start() {
    String instance = ManagementFactory.getRuntimeMXBean().getName();
    leases = new StreamerLeases(catalogue, instance + "/" + UUID.randomUUID());
    LOG.log(Level.INFO, "streamer supervisor {0} started", leases.owner());
    reconcile();
  }

  /** Brings what runs in line with the catalogue; also called by the timer. */
  @Schedule(second = "*/" + TICK_SECONDS, minute = "*", hour = "*", persistent = false)
  public synchronized void reconcile() {
    if (shuttingDown) {
      return;
    }
    Set<String> wanted = new HashSet<>();
    for (Protected p : deployments.all(true)) {
      wanted.add(p.deployment().name());
      try {
        keep(p);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "streamer of " + p.deployment() + ": " + e.getMessage(), e);
      }
    }
    for (String name : Set.copyOf(running.keySet())) {
      if (!wanted.contains(name)) {
        stop(name, "switched off or deleted");
      }
    }
  }

  private void keep(Protected p) {
    String name = p.deployment().name();
    SupervisedStreamer s = running.get(name);
    boolean leased = leases.acquire(name, LEASE);
    if (!leased) {
      if (s != null) {
        stop(name, "another server instance holds the lease");
      }
      return;
    }
    if (s == null || !s.sameSettings(p)) {
      if (s != null) {
        stop(name, "settings changed");
        leases.acquire(name, LEASE);
      }
      SupervisedStreamer started =
          new SupervisedStreamer(p, Clock.systemUTC(), retries.listener(name), this::event);
      running.put(name, started);
      started.future(executor.submit(started::superviseUntilStopped));
      event(name, "streamer.started", "info", "streamer started on slot " + p.slot());
    }
  }

  /** Stops the streamer of {@code deployment} here and releases its lease. */
  public synchronized void stop(String deployment, String why) {
    SupervisedStreamer s = running.remove(deployment);
    if (s != null) {
      s.stop(Duration.ofSeconds(20));
      event(deployment, "streamer.stopped", "info", "streamer stopped: " + why);
    }
    leases.release(deployment);
  }

  /** The state of the streamer of {@code deployment} on this instance, if it runs here. */
  public Optional<StreamerStatus> status(String deployment) {
    return Optional.ofNullable(running.get(deployment)).map(SupervisedStreamer::status);
  }

  /** The states of every streamer running on this instance. */
  public List<StreamerStatus> statuses() {
    return running.values().stream().map(SupervisedStreamer::status).toList();
  }

  /** The instance holding the lease of {@code deployment}, if any. */
  public Optional<String> leaseHolder(String deployment) {
    return leases.holder(deployment);
  }

  /** This instance's lease owner name. */
  public String owner() {
    return leases.owner();
  }

  private void event(String deployment, String kind, String severity, String message) {
    try {
      events.record(deployment, kind, severity, "system", message);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot record event " + kind + ": " + e.getMessage(), e);
    }
  }

  @PreDestroy
  void shutdown() {
    shuttingDown = true;
    for (String name : Set.copyOf(running.keySet())) {
      try {
        stop(name, "server shutting down");
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stopping the streamer of " + name + ": " + e.getMessage(), e);
      }
    }
  }
}
