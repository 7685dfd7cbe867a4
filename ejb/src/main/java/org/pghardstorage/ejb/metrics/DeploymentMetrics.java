package org.pghardstorage.ejb.metrics;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.status.HealthFacts;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.DeploymentView;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.streamer.StreamerSupervisor;
import org.pghardstorage.persistence.entity.BackupEntity;

/**
 * Per-deployment gauges, tagged {@code deployment}: backup age, duration, size and dedup ratio, WAL
 * lag, RPO, whether the streamer is up, and repository bytes. A timer refreshes a snapshot from the
 * catalogue and the streamers every 10 s; a scrape only reads the snapshot. The bytes of archived
 * WAL come from listing the repository, which costs requests on object stores, so they are measured
 * every five minutes.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeploymentMetrics {
  private static final Logger LOG = Logger.getLogger(DeploymentMetrics.class.getName());
  private static final Map<String, ToDoubleFunction<Snapshot>> GAUGES =
      Map.of(
          "pg_hardstorage_last_backup_age_seconds", Snapshot::lastBackupAgeSeconds,
          "pg_hardstorage_backup_duration_seconds", Snapshot::backupDurationSeconds,
          "pg_hardstorage_backup_bytes", Snapshot::backupBytes,
          "pg_hardstorage_dedup_ratio", Snapshot::dedupRatio,
          "pg_hardstorage_wal_lag_bytes", Snapshot::walLagBytes,
          "pg_hardstorage_wal_lag_seconds", Snapshot::walLagSeconds,
          "pg_hardstorage_rpo_seconds", Snapshot::rpoSeconds,
          "pg_hardstorage_streamer_up", Snapshot::streamerUp,
          "pg_hardstorage_repository_bytes", Snapshot::repositoryBytes,
          "pg_hardstorage_wal_stored_bytes", Snapshot::walStoredBytes);

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  private MetricRegistry registry;

  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  @EJB private DeploymentService deployments;
  @EJB private StreamerSupervisor streamers;

  @EJB private StorageRetries retries;

  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, Long> walBytes = new ConcurrentHashMap<>();

  /**
   * One deployment's figures at the last refresh. NaN where there is nothing to measure (no backup
   * yet), which Prometheus shows as NaN rather than a misleading zero.
   */
  record Snapshot(
      double lastBackupAgeSeconds,
      double backupDurationSeconds,
      double backupBytes,
      double dedupRatio,
      double walLagBytes,
      double walLagSeconds,
      double rpoSeconds,
      double streamerUp,
      double repositoryBytes,
      double walStoredBytes) {}

  /** Measures the bytes each deployment's archived WAL occupies in its repository. */
  @Schedule(minute = "*/5", hour = "*", persistent = false)
  public void measureWal() {
    for (Protected p : deployments.all(false)) {
      String name = p.deployment().name();
      try (OpenedRepository o = p.openForWal(retries.listener(name))) {
        walBytes.put(name, o.repository().wal(p.deployment()).storedBytes());
      } catch (RuntimeException e) {
        // the streamer and the jobs report an unreachable repository; keep the last figure
        LOG.log(Level.FINE, "cannot measure the WAL of " + name, e);
      }
    }
    walBytes.keySet().retainAll(snapshots.keySet());
  }

  /** Refreshes every deployment's snapshot and (un)registers gauges for new (deleted) ones. */
  @Schedule(second = "*/10", minute = "*", hour = "*", persistent = false)
  public void refresh() {
    Set<String> seen = new HashSet<>();
    for (DeploymentView d : deployments.list()) {
      seen.add(d.name());
      snapshots.put(d.name(), measure(d));
      for (var g : GAUGES.entrySet()) {
        String name = d.name();
        registry.gauge(
            g.getKey(),
            () -> g.getValue().applyAsDouble(snapshots.getOrDefault(name, EMPTY)),
            new Tag("deployment", name));
      }
    }
    for (String gone : Set.copyOf(snapshots.keySet())) {
      if (!seen.contains(gone)) {
        snapshots.remove(gone);
        GAUGES.keySet().forEach(g -> registry.remove(new MetricID(g, new Tag("deployment", gone))));
      }
    }
  }

  private static final Snapshot EMPTY =
      new Snapshot(
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          0,
          Double.NaN,
          Double.NaN);

  private Snapshot measure(DeploymentView d) {
    Optional<BackupEntity> last =
        em
            .createNamedQuery(BackupEntity.PAGE, BackupEntity.class)
            .setParameter("deployment", d.name())
            .setParameter("before", Long.MAX_VALUE)
            .setMaxResults(1)
            .getResultList()
            .stream()
            .findFirst();
    OffsetDateTime now = OffsetDateTime.now();
    double age = last.map(b -> seconds(b.getFinishedAt(), now)).orElse(Double.NaN);
    Optional<StreamerStatus> s = streamers.status(d.name());
    boolean up = s.map(x -> x.state() == StreamerStatus.State.STREAMING).orElse(false);
    double lagBytes = s.map(x -> (double) x.lagBytes()).orElse(Double.NaN);
    double lagSeconds = s.map(StreamerStatus::lagSeconds).orElse(Double.NaN);
    // the one RPO rule (HealthFacts#rpo), with what the metrics know: the streamer's lag, its
    // last message, the catalogue's newest backup
    double rpo =
        new HealthFacts(
                Optional.of(up),
                s.map(x -> Duration.ofMillis(Math.round(x.lagSeconds() * 1000))),
                s.map(StreamerStatus::lastMessageAt)
                    .filter(java.util.Objects::nonNull)
                    .map(t -> Duration.between(t, now.toInstant())),
                last.map(b -> Duration.between(b.getFinishedAt(), now)),
                Optional.empty(),
                0,
                0)
            .rpo()
            .map(r -> r.toMillis() / 1000.0)
            .orElse(Double.NaN);
    return new Snapshot(
        age,
        last.map(b -> seconds(b.getStartedAt(), b.getFinishedAt())).orElse(Double.NaN),
        last.map(b -> (double) b.getBytesRead()).orElse(Double.NaN),
        last.map(BackupEntity::getDedupRatio).orElse(Double.NaN),
        lagBytes,
        lagSeconds,
        rpo,
        up ? 1 : 0,
        repositoryBytes(d.name()).map(Long::doubleValue).orElse(Double.NaN),
        walBytes.containsKey(d.name()) ? walBytes.get(d.name()) : Double.NaN);
  }

  /**
   * The bytes {@code deployment} occupies in its repository: the stored (new) bytes of its
   * catalogued backups plus its archived WAL as last measured; empty until the WAL was measured
   * (within five minutes of the server's start), because a figure without it would be too small.
   * The console shows this figure; the {@code pg_hardstorage_repository_bytes} gauge is it.
   */
  public Optional<Long> repositoryBytes(String deployment) {
    Long wal = walBytes.get(deployment);
    if (wal == null) {
      return Optional.empty();
    }
    // one aggregate row, not every backup row (SUM of no rows is NULL)
    Long stored =
        em.createNamedQuery(BackupEntity.STORED_BYTES, Long.class)
            .setParameter("deployment", deployment)
            .getSingleResult();
    return Optional.of((stored == null ? 0L : stored) + wal);
  }

  private static double seconds(OffsetDateTime from, OffsetDateTime to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
