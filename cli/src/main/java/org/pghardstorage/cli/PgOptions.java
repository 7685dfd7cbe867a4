package org.pghardstorage.cli;

import java.util.Optional;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import picocli.CommandLine.Option;

/** How to reach the protected PostgreSQL. */
public final class PgOptions {
  @Option(
      names = "--pg-connection",
      paramLabel = "CONNINFO",
      description =
          "libpq conninfo or postgresql:// URI of the database to protect, e.g. \"host=db1"
              + " user=backup dbname=postgres\" (env: PGHS_PG_CONNECTION). The password may come"
              + " from PGPASSWORD or ~/.pgpass.")
  String connection;

  /** The parsed connection settings, with no deployment configuration to fall back on. */
  public ConnInfo connInfo() {
    return connInfo(null);
  }

  /**
   * The parsed connection settings: the option, else {@code PGHS_PG_CONNECTION}, else the
   * deployment's entry in the configuration file (with its password from the named file or
   * environment variable).
   */
  public ConnInfo connInfo(String deployment) {
    String c = connection != null ? connection : System.getenv("PGHS_PG_CONNECTION");
    if ((c == null || c.isBlank()) && deployment != null) {
      var config = ConfigHolder.current();
      var configured = config.deployment(deployment);
      if (configured.isPresent() && configured.get().connection() != null) {
        ConnInfo ci = ConnInfo.parse(configured.get().connection());
        Optional<String> secret = password(configured.get());
        return secret.isPresent() ? ci.withPassword(secret.get()) : ci;
      } else if (configured.isEmpty() && !config.deployments().isEmpty()) {
        throw config.unknownDeployment(deployment, "--pg-connection and --repo");
      }
    }
    if (c == null || c.isBlank()) {
      throw new HardstorageException(
          "usage.no_connection",
          ExitCode.USAGE,
          "no PostgreSQL connection given",
          "pass --pg-connection \"host=... user=... dbname=...\" or set PGHS_PG_CONNECTION");
    }
    return ConnInfo.parse(c);
  }

  private static Optional<String> password(DeploymentConfig d) {
    if (d.passwordFile() != null) {
      try {
        return Optional.of(
            java.nio.file.Files.readAllLines(java.nio.file.Path.of(d.passwordFile())).stream()
                .findFirst()
                .orElse(""));
      } catch (java.io.IOException e) {
        throw new HardstorageException(
            "config.password_unreadable",
            ExitCode.USAGE,
            "cannot read password_file " + d.passwordFile() + ": " + e.getMessage(),
            "check the path and that this OS user may read it");
      }
    }
    if (d.passwordEnv() != null) {
      String secret = System.getenv(d.passwordEnv());
      if (secret == null) {
        throw new HardstorageException(
            "config.password_env_unset",
            ExitCode.USAGE,
            "environment variable " + d.passwordEnv() + " (password_env) is not set",
            "export it, or use password_file");
      }
      return Optional.of(secret);
    }
    return Optional.empty();
  }
}
