package org.pghardstorage.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One deployment in {@code pg_hardstorage.yml}. Secrets are never written here: the password comes
 * from a file or an environment variable, the repository passphrase from a file; the command line
 * turns these into the one secret reference syntax of {@link
 * org.pghardstorage.core.deployment.SecretRef} ({@code file:}, {@code env:}).
 *
 * @param connection libpq conninfo or URI, without password
 * @param passwordFile a file holding the password (first line)
 * @param passwordEnv an environment variable holding the password
 * @param repository the repository URL (overrides the file's default)
 * @param slot the replication slot (default by {@link
 *     org.pghardstorage.core.deployment.DeploymentContext#slotFor}: {@code pg_hardstorage_<name>})
 * @param schedules cron-style schedules: {@code backup}, {@code verify}, {@code rotate}
 * @param retention GFS counts: {@code hourly}, {@code daily}, {@code weekly}, {@code monthly},
 *     {@code yearly}
 * @param kek where the repository key comes from: {@code file:/path} or the older {@code
 *     passphrase-file:/path} (KMS references arrive with envelope encryption)
 */
public record DeploymentConfig(
    String connection,
    @JsonProperty("password_file") String passwordFile,
    @JsonProperty("password_env") String passwordEnv,
    String repository,
    String slot,
    Map<String, String> schedules,
    Map<String, Integer> retention,
    String kek) {
  /** Empty maps instead of nulls. */
  public DeploymentConfig {
    schedules = schedules == null ? Map.of() : Map.copyOf(schedules);
    retention = retention == null ? Map.of() : Map.copyOf(retention);
  }
}
