package org.pghardstorage.cli;

import java.util.Optional;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.deployment.SecretResolver;
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
   * environment variable, resolved now by the one rule of {@link SecretResolver#local}).
   */
  public ConnInfo connInfo(String deployment) {
    Target t = target(deployment);
    return t.password()
        .map(ref -> t.connInfo().withPassword(SecretResolver.local(System::getenv).resolve(ref)))
        .orElse(t.connInfo());
  }

  /**
   * Where the database is and where its password lives, unresolved.
   *
   * @param connInfo the connection, without a password from the configuration
   * @param password the configured password's reference; empty when the connection came from a flag
   *     or the environment (then {@code PGPASSWORD} and {@code ~/.pgpass} apply)
   */
  record Target(ConnInfo connInfo, Optional<SecretRef> password) {}

  /** As {@link #connInfo(String)}, with the password left as its reference. */
  Target target(String deployment) {
    String c = connection != null ? connection : System.getenv("PGHS_PG_CONNECTION");
    if ((c == null || c.isBlank()) && deployment != null) {
      var config = ConfigHolder.current();
      var configured = config.deployment(deployment);
      if (configured.isPresent() && configured.get().connection() != null) {
        return new Target(
            ConnInfo.parse(configured.get().connection()), passwordRef(configured.get()));
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
    return new Target(ConnInfo.parse(c), Optional.empty());
  }

  /**
   * The configuration's {@code password_file} and {@code password_env} as the one reference syntax
   * ({@code file:} and {@code env:}); the file wins when both are set.
   */
  static Optional<SecretRef> passwordRef(DeploymentConfig d) {
    if (d.passwordFile() != null) {
      return Optional.of(SecretRef.file(d.passwordFile()));
    }
    return Optional.ofNullable(d.passwordEnv()).map(SecretRef::env);
  }
}
