package org.pghardstorage.ejb.deployment;

import org.pghardstorage.persistence.entity.DeploymentEntity;

/**
 * A deployment as the API shows it: references to secrets, never secrets.
 *
 * @param name the name
 * @param conninfo the conninfo, without a password
 * @param passwordRef where the password lives
 * @param repositoryUrl the repository URL
 * @param slot the replication slot
 * @param kekRef where the repository passphrase lives
 * @param backupSchedule the backup schedule
 * @param verifySchedule the verify schedule
 * @param rotateSchedule the rotate schedule
 * @param keep the retention policy
 * @param streaming whether a streamer should run
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param version optimistic-locking version
 */
public record DeploymentView(
    String name,
    String conninfo,
    String passwordRef,
    String repositoryUrl,
    String slot,
    String kekRef,
    String backupSchedule,
    String verifySchedule,
    String rotateSchedule,
    DeploymentSpec.Keep keep,
    boolean streaming,
    String createdAt,
    String updatedAt,
    long version) {

  /** The view of {@code e}. */
  public static DeploymentView of(DeploymentEntity e) {
    int[] k = e.getKeep();
    return new DeploymentView(
        e.getName(),
        e.getConninfo(),
        e.getPasswordRef(),
        e.getRepositoryUrl(),
        e.getSlotName(),
        e.getKekRef(),
        e.getBackupSchedule(),
        e.getVerifySchedule(),
        e.getRotateSchedule(),
        new DeploymentSpec.Keep(k[0], k[1], k[2], k[3], k[4]),
        e.isStreaming(),
        e.getCreatedAt().toString(),
        e.getUpdatedAt().toString(),
        e.getVersion());
  }
}
