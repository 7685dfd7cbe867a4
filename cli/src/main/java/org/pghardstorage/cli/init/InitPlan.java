package org.pghardstorage.cli.init;

import java.nio.file.Path;

/**
 * Everything {@code init} will do, decided before anything is changed.
 *
 * @param postgres the server and role to back up, connection checked
 * @param deployment the deployment name
 * @param repository the repository URL
 * @param defaultRepository the repository is our default location, so its parents may be created
 * @param configFile the configuration file to create
 * @param password a password the operator typed, or null (then PGPASSWORD or ~/.pgpass)
 * @param passwordFile where to store {@code password}, or null not to store it
 * @param backup take the first backup
 * @param existingDeployment {@code deployment} already protects this server in the repository (the
 *     same database system): its backups and WAL continue
 */
public record InitPlan(
    PostgresDetector.Detected postgres,
    String deployment,
    String repository,
    boolean defaultRepository,
    Path configFile,
    char[] password,
    Path passwordFile,
    boolean backup,
    boolean existingDeployment) {
  /**
   * The answers given as flags or found by default, offered by the wizard; null where none.
   *
   * @param connection the conninfo of {@code --pg-connection}
   * @param deployment the name of {@code --deployment}
   * @param repository the repository URL of {@code --repo}, else the default location
   * @param defaultRepository {@code repository} is the default location
   * @param configFile the file of {@code --config}, else the default
   */
  public record Defaults(
      String connection,
      String deployment,
      String repository,
      boolean defaultRepository,
      Path configFile) {}
}
