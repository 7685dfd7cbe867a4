package org.pghardstorage.ejb.deployment;

/**
 * A deployment as a client creates or replaces it. Null optional fields take their defaults.
 *
 * @param name the deployment's name (lower-case letters, digits, {@code -}, {@code _})
 * @param conninfo libpq conninfo or URI of the protected server, without a password
 * @param passwordRef where its password lives: {@code alias:NAME}, {@code env:VAR} or {@code
 *     file:/path}; null to rely on {@code .pgpass} or trust
 * @param repositoryUrl the repository URL
 * @param slot the physical replication slot (default {@code pg_hardstorage_<name>})
 * @param kekRef where the repository passphrase lives (same forms as {@code passwordRef}); null for
 *     an unencrypted repository
 * @param backupSchedule cron-like {@code minute hour day-of-month month day-of-week}, or null
 * @param verifySchedule the same for verification
 * @param rotateSchedule the same for rotation
 * @param keep the retention policy, or null for the defaults
 * @param streaming whether a WAL streamer runs for it (default true)
 */
public record DeploymentSpec(
    String name,
    String conninfo,
    String passwordRef,
    String repositoryUrl,
    String slot,
    String kekRef,
    String backupSchedule,
    String verifySchedule,
    String rotateSchedule,
    Keep keep,
    Boolean streaming) {

  /**
   * How many backups of each age class rotation keeps.
   *
   * @param hourly newest backup of each of the last N hours
   * @param daily of each of the last N days
   * @param weekly of each of the last N weeks
   * @param monthly of each of the last N months
   * @param yearly of each of the last N years
   */
  public record Keep(int hourly, int daily, int weekly, int monthly, int yearly) {
    /** The defaults: 7 daily, 4 weekly, 6 monthly. */
    public static final Keep DEFAULT = new Keep(0, 7, 4, 6, 0);
  }
}
