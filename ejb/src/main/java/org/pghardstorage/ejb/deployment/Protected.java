package org.pghardstorage.ejb.deployment;

import java.time.Duration;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.storage.ObjectStores;
import org.pghardstorage.core.storage.retry.RetryListener;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.pghardstorage.core.storage.retry.RetryingObjectStore;
import org.pghardstorage.core.wal.WalStreamer;
import org.pghardstorage.persistence.entity.DeploymentEntity;

/**
 * A catalogued deployment made usable by the engine: its connection with the password resolved from
 * its reference, and its repository opened. Detached from JPA: safe to hand to a managed thread or
 * a batch step.
 *
 * @param deployment the deployment
 * @param conninfo the conninfo as stored (no password)
 * @param passwordRef where the password lives, or null (then {@code .pgpass} or trust applies)
 * @param repositoryUrl the repository URL
 * @param kekRef where the repository passphrase lives, or null for an unencrypted repository
 * @param slot the physical replication slot of its streamer
 */
public record Protected(
    Deployment deployment,
    String conninfo,
    String passwordRef,
    String repositoryUrl,
    String kekRef,
    String slot) {

  /** A detached copy of {@code e}. */
  public static Protected of(DeploymentEntity e) {
    return new Protected(
        Deployment.of(e.getName()),
        e.getConninfo(),
        e.getPasswordRef(),
        e.getRepositoryUrl(),
        e.getKekRef(),
        e.getSlotName());
  }

  /** The connection, with the password resolved now (so a rotated secret takes effect). */
  public ConnInfo connInfo() {
    ConnInfo c = ConnInfo.parse(conninfo);
    return passwordRef == null ? c : c.withPassword(Secrets.resolve(passwordRef));
  }

  /** The streamer configuration for this deployment. */
  public WalStreamer.Config streamerConfig() {
    return new WalStreamer.Config(
        deployment, connInfo(), slot, Duration.ofSeconds(1), false, Duration.ofMinutes(1));
  }

  /**
   * Opens the repository (its chunk index too); close the result. Its secrets are judged against
   * the server's {@link SecretPolicy} as it is now.
   */
  public OpenedRepository open(RetryListener retries) {
    return open(retries, false);
  }

  /** Opens the repository for WAL work only (no chunk index); close the result. */
  public OpenedRepository openForWal(RetryListener retries) {
    return open(retries, true);
  }

  private OpenedRepository open(RetryListener retries, boolean walOnly) {
    OpenOptions options = OpenOptions.defaults();
    if (kekRef != null) {
      options = options.withPassphrase(Secrets.resolve(kekRef).toCharArray());
    }
    Secrets.checkRepositoryUrl(repositoryUrl, Secrets.policy());
    return OpenedRepository.open(
        new RetryingObjectStore(ObjectStores.open(repositoryUrl), RetryPolicy.DEFAULT, retries),
        options,
        walOnly);
  }
}
