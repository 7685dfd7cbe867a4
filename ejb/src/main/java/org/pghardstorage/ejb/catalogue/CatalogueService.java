package org.pghardstorage.ejb.catalogue;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.verify.VerifyReport;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.metrics.StorageRetries;
import org.pghardstorage.persistence.entity.BackupEntity;

/**
 * The catalogue's index of backups: filled as backups are published, and rebuilt from the
 * repository (the source of truth) on demand.
 */
@Stateless
public class CatalogueService {
  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;
  @EJB private EventLog events;

  /**
   * What a rebuild did.
   *
   * @param deployments deployments whose repository was read
   * @param backups backups catalogued (new or refreshed)
   * @param removed catalogued backups no longer in the repository, marked deleted
   */
  public record RebuildResult(int deployments, int backups, int removed) {}

  /** Indexes a committed backup (again, if it is already indexed). */
  public BackupView publish(BackupManifest m) {
    BackupEntity b =
        one(m.deployment().name(), m.backupId().value())
            .orElseGet(
                () -> {
                  BackupEntity n = new BackupEntity(m.deployment().name(), m.backupId().value());
                  em.persist(n);
                  return n;
                });
    b.describe(
        m.label(),
        m.wal().endTimeline(),
        m.wal().startLsn(),
        m.wal().endLsn(),
        utc(m.startedAt()),
        utc(m.finishedAt()),
        m.postgres().version(),
        new long[] {m.stats().bytesRead(), m.stats().bytesNew(), m.stats().bytesStored()},
        m.stats().dedupRatio());
    em.flush();
    return BackupView.of(b);
  }

  /** Records a verification verdict on an indexed backup. */
  public void verified(VerifyReport r, Instant at) {
    one(r.deployment(), r.backupId())
        .ifPresent(b -> b.verified(utc(at), r.ok(), r.errors().size()));
  }

  /** One page of a deployment's committed backups, newest first. */
  public Page<BackupView> backups(String deployment, Integer limit, String cursor) {
    deployments.require(deployment);
    int n = Page.limit(limit);
    List<BackupEntity> rows =
        em.createNamedQuery(BackupEntity.PAGE, BackupEntity.class)
            .setParameter("deployment", deployment)
            .setParameter("before", Page.before(cursor))
            .setMaxResults(n + 1)
            .getResultList();
    return Page.of(
            rows.stream().map(b -> new Row(b.getId(), BackupView.of(b))).toList(), n, Row::id)
        .map(Row::view);
  }

  /** One backup, if indexed and not deleted. */
  public BackupView backup(String deployment, String backupId) {
    return one(deployment, backupId)
        .filter(b -> b.getStatus().equals("committed"))
        .map(BackupView::of)
        .orElseThrow(
            () ->
                new HardstorageException(
                    "backup.not_found",
                    ExitCode.NOT_FOUND,
                    "no backup " + backupId + " of " + deployment + " in the catalogue",
                    "list them with GET /api/v1/deployments/" + deployment + "/backups"));
  }

  /**
   * Rebuilds the backup index of {@code only} (or of every catalogued deployment) from the
   * repository: every committed manifest is indexed, every indexed backup the repository no longer
   * holds is marked deleted.
   */
  public RebuildResult rebuild(String only, String actor) {
    List<Protected> targets =
        only != null ? List.of(deployments.require(only)) : deployments.all(false);
    int backups = 0;
    int removed = 0;
    for (Protected p : targets) {
      try (OpenedRepository o = p.openForWal(retries.listener(p.deployment().name()))) {
        int[] counts = rebuild(o.repository(), p.deployment());
        backups += counts[0];
        removed += counts[1];
      }
    }
    RebuildResult r = new RebuildResult(targets.size(), backups, removed);
    events.record(
        only,
        "catalogue.rebuilt",
        "info",
        actor,
        "catalogue rebuilt from the repository: "
            + r.backups()
            + " backups, "
            + r.removed()
            + " no longer present");
    return r;
  }

  private int[] rebuild(Repository repo, Deployment d) {
    Set<String> present = new HashSet<>();
    int backups = 0;
    for (BackupId id : repo.listBackups(d)) {
      Optional<BackupManifest> m = repo.readManifest(d, id);
      if (m.isPresent()) {
        publish(m.get());
        present.add(id.value());
        backups++;
      }
    }
    int removed = 0;
    for (BackupEntity b :
        em.createNamedQuery(BackupEntity.OF_DEPLOYMENT, BackupEntity.class)
            .setParameter("deployment", d.name())
            .getResultList()) {
      if (!present.contains(b.getBackupId()) && b.getStatus().equals("committed")) {
        b.deleted();
        removed++;
      }
    }
    return new int[] {backups, removed};
  }

  private Optional<BackupEntity> one(String deployment, String backupId) {
    return em.createNamedQuery(BackupEntity.ONE, BackupEntity.class)
        .setParameter("deployment", deployment)
        .setParameter("id", backupId)
        .getResultStream()
        .findFirst();
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  private record Row(long id, BackupView view) {}
}
