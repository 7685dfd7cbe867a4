package org.pghardstorage.ejb.catalogue;

import org.pghardstorage.persistence.entity.BackupEntity;

/**
 * A catalogued backup.
 *
 * @param deployment the deployment
 * @param backupId the backup id
 * @param label the backup label
 * @param timeline the timeline at its end
 * @param startLsn where its WAL starts
 * @param stopLsn where its WAL ends: the earliest consistent point
 * @param startedAt when it started
 * @param finishedAt when it finished
 * @param postgresVersion the server version
 * @param bytesRead bytes read from the server
 * @param bytesNew bytes not already in the repository
 * @param bytesStored bytes stored after compression
 * @param dedupRatio share of bytes deduplicated
 * @param verifiedAt when it was last verified, if ever
 * @param verifyOk whether that verification passed
 * @param verifyErrors how many errors it found
 */
public record BackupView(
    String deployment,
    String backupId,
    String label,
    long timeline,
    String startLsn,
    String stopLsn,
    String startedAt,
    String finishedAt,
    String postgresVersion,
    long bytesRead,
    long bytesNew,
    long bytesStored,
    double dedupRatio,
    String verifiedAt,
    Boolean verifyOk,
    Integer verifyErrors) {

  /** The view of {@code b}. */
  public static BackupView of(BackupEntity b) {
    return new BackupView(
        b.getDeployment(),
        b.getBackupId(),
        b.getLabel(),
        b.getTimeline(),
        b.getStartLsn(),
        b.getStopLsn(),
        b.getStartedAt().toString(),
        b.getFinishedAt().toString(),
        b.getPostgresVersion(),
        b.getBytesRead(),
        b.getBytesNew(),
        b.getBytesStored(),
        b.getDedupRatio(),
        b.getVerifiedAt() == null ? null : b.getVerifiedAt().toString(),
        b.getVerifyOk(),
        b.getVerifyErrors());
  }
}
