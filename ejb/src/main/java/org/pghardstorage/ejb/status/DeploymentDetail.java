package org.pghardstorage.ejb.status;

import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.job.JobRunView;

/**
 * One deployment in detail, as the console's deployment page shows it: each part is what the REST
 * API answers for it too (see {@link DeploymentDetails#find(String)}).
 *
 * @param deployment the deployment
 * @param backups its newest catalogued backups, newest first (as {@code GET …/backups})
 * @param jobs its newest job runs, newest first (as {@code GET /api/v1/jobs?deployment=})
 * @param events its newest events, newest first (as {@code GET /api/v1/events?deployment=})
 * @param wal its WAL timelines, coverage and gaps (as {@code GET …/wal}), or null when the
 *     repository could not be read
 * @param walUnreadable why the repository could not be read, or null when it was
 */
public record DeploymentDetail(
    String deployment,
    List<BackupView> backups,
    List<JobRunView> jobs,
    List<EventLog.EventView> events,
    WalAudit.Report wal,
    String walUnreadable) {
  /** Copies the lists; exactly one of {@code wal} and {@code walUnreadable} is given. */
  public DeploymentDetail {
    Objects.requireNonNull(deployment, "deployment");
    backups = List.copyOf(backups);
    jobs = List.copyOf(jobs);
    events = List.copyOf(events);
    if ((wal == null) == (walUnreadable == null)) {
      throw new IllegalArgumentException(
          "either the WAL audit or why it could not be made, not both or neither");
    }
  }
}
