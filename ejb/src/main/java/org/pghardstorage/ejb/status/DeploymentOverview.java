package org.pghardstorage.ejb.status;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One deployment at a glance, as the console's dashboard shows it: every figure comes from the one
 * place that computes it (see {@link DeploymentStatusService#overview(String)}). A null figure is
 * unknown, never zero.
 *
 * @param deployment the deployment
 * @param health {@code green}, {@code amber} or {@code red} by the one health model, or {@code
 *     unknown} when the repository could not be read
 * @param healthReasons why it is not green; when unknown, why it could not be judged
 * @param streamer the streamer's state on this instance ({@code STREAMING}, {@code CONNECTING}, …),
 *     {@code elsewhere} when another instance holds its lease, {@code not running} when it is
 *     switched on but runs nowhere this instance knows of, {@code off} when switched off
 * @param streamerInstance the instance holding the streamer's lease when it is another one, or null
 * @param walLagBytes the WAL the server has and the repository not yet ({@link
 *     org.pghardstorage.core.wal.StreamerStatus#lagBytes()}), or null when the streamer does not
 *     run here
 * @param walLagSeconds the age of the oldest WAL not yet durable, or null likewise
 * @param rpoSeconds the recovery point objective now by the one rule, or null when nothing tells it
 * @param lastBackupId the repository's newest backup, or null when there is none or the repository
 *     could not be read
 * @param lastBackupFinishedAt when it finished, or null
 * @param lastBackupAgeSeconds how long ago, or null
 * @param lastBackupRunState the state of this server's newest {@code base-backup} job run ({@code
 *     running}, {@code completed}, {@code failed}, {@code stopped}), or null when this server never
 *     ran one (a backup taken by the command line leaves no job run)
 * @param lastBackupRunError why that run failed, or null
 * @param lastVerifiedAt when the newest backup was last verified, or null when never or unknown
 * @param lastVerifyOk whether that verification passed, or null likewise
 * @param repositoryBytes the bytes the deployment occupies in its repository (the same figure as
 *     the {@code pg_hardstorage_repository_bytes} metric), or null until its WAL was measured
 * @param dedupRatio the share of the newest backup's bytes already in the repository, from the
 *     catalogue, or null when the catalogue's newest backup is not the repository's newest
 * @param repositoryReadAt when the repository facts shown (newest backup, verification, the health
 *     they give) were read: the dashboard serves them for up to 30 s; null when the repository
 *     could not be read (a failed read is never served from an older success)
 */
public record DeploymentOverview(
    String deployment,
    String health,
    List<String> healthReasons,
    String streamer,
    String streamerInstance,
    Long walLagBytes,
    Double walLagSeconds,
    Long rpoSeconds,
    String lastBackupId,
    Instant lastBackupFinishedAt,
    Long lastBackupAgeSeconds,
    String lastBackupRunState,
    String lastBackupRunError,
    Instant lastVerifiedAt,
    Boolean lastVerifyOk,
    Long repositoryBytes,
    Double dedupRatio,
    Instant repositoryReadAt) {
  /** Copies the reasons. */
  public DeploymentOverview {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(streamer, "streamer");
    healthReasons = List.copyOf(healthReasons);
  }

  /** An overview whose repository facts were read now, or could not be read. */
  public DeploymentOverview(
      String deployment,
      String health,
      List<String> healthReasons,
      String streamer,
      String streamerInstance,
      Long walLagBytes,
      Double walLagSeconds,
      Long rpoSeconds,
      String lastBackupId,
      Instant lastBackupFinishedAt,
      Long lastBackupAgeSeconds,
      String lastBackupRunState,
      String lastBackupRunError,
      Instant lastVerifiedAt,
      Boolean lastVerifyOk,
      Long repositoryBytes,
      Double dedupRatio) {
    this(
        deployment,
        health,
        healthReasons,
        streamer,
        streamerInstance,
        walLagBytes,
        walLagSeconds,
        rpoSeconds,
        lastBackupId,
        lastBackupFinishedAt,
        lastBackupAgeSeconds,
        lastBackupRunState,
        lastBackupRunError,
        lastVerifiedAt,
        lastVerifyOk,
        repositoryBytes,
        dedupRatio,
        null);
  }
}
