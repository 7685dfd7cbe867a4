package org.pghardstorage.cli;

import java.util.Optional;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.deployment.SecretResolver;
import org.pghardstorage.core.repo.Deployment;

/**
 * The command line's {@link DeploymentContext} for a named deployment: flags and environment over
 * {@code pg_hardstorage.yml}, as {@link PgOptions} and {@link RepoOptions} layer them. The server
 * builds the same context from its catalogue, so both find the same slot and open the repository
 * behind the same retries.
 */
final class CliDeployment {
  private CliDeployment() {}

  /**
   * The context of {@code name}.
   *
   * @param slotOption a {@code --slot} given on the command line, over the configured one
   */
  static DeploymentContext context(
      String name, PgOptions pg, RepoOptions repo, Optional<String> slotOption) {
    Deployment deployment = Deployments.parse(name); // a bad name is a usage error before all else
    PgOptions.Target target = pg.target(name);
    RepoOptions keys = repo.forDeployment(name);
    Optional<SecretRef> kek = keys.kekRef();
    SecretResolver local = SecretResolver.local(System::getenv);
    // the key keeps the command line's reading of key files (RepoOptions.readKey)
    SecretResolver secrets =
        ref ->
            kek.filter(ref::equals).isPresent()
                ? new String(RepoOptions.readKey(ref))
                : local.resolve(ref);
    return new DeploymentContext(
        deployment,
        target.connInfo(),
        target.password(),
        keys.url(),
        kek,
        slotOption.or(() -> configuredSlot(name)),
        secrets);
  }

  /**
   * The slot of {@code name} by the one rule ({@link DeploymentContext#slotFor}), for commands that
   * need no repository: {@code --slot}, else the configured one, else the default.
   */
  static String slot(String name, Optional<String> slotOption) {
    return DeploymentContext.slotFor(
        Deployments.parse(name), slotOption.or(() -> configuredSlot(name)));
  }

  /** The slot {@code pg_hardstorage.yml} gives {@code name}, if any. */
  private static Optional<String> configuredSlot(String name) {
    return ConfigHolder.current().deployment(name).map(DeploymentConfig::slot);
  }
}
