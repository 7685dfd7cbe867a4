package org.pghardstorage.ejb.deployment;

import java.util.Optional;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.storage.retry.RetryListener;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.core.wal.WalPreflight;
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

  /**
   * A deployment as {@code spec} describes it, catalogued or not, with replication slot {@code
   * slot}: what a connection test of a form's values before saving connects with.
   */
  static Protected of(DeploymentSpec spec, String slot) {
    return new Protected(
        Deployment.of(spec.name()),
        spec.conninfo(),
        spec.passwordRef(),
        spec.repositoryUrl(),
        spec.kekRef(),
        slot);
  }

  /**
   * The connection test: the WAL preflight over a replication connection with the password resolved
   * now, for this deployment's slot (reachability, authentication, the role's REPLICATION, server
   * settings). The one implementation behind {@code POST /api/v1/deployments/{d}/connection-test},
   * the console's test of a form before saving, and the first step of a backup.
   *
   * @throws org.pghardstorage.core.error.HardstorageException what resolving the password or
   *     connecting fails with
   */
  public PreflightReport connectionTest() {
    DeploymentContext c = context();
    try (ReplicationConnection conn =
        ReplicationConnection.open(
            c.connInfo(),
            ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage preflight"))) {
      return new WalPreflight(false, true).run(conn.connection(), c.slot());
    }
  }

  /**
   * The engine's view of this deployment, built as the command line builds its own: the slot, the
   * secrets through the server's {@link Secrets#resolver()} (judged against the {@link
   * SecretPolicy} as it is at each resolution), and the repository behind the one retry policy.
   */
  public DeploymentContext context() {
    return new DeploymentContext(
        deployment,
        ConnInfo.parse(conninfo),
        Optional.ofNullable(passwordRef).map(r -> SecretRef.parse(r, "password_ref")),
        repositoryUrl,
        Optional.ofNullable(kekRef).map(r -> SecretRef.parse(r, "kek_ref")),
        Optional.ofNullable(slot),
        Secrets.resolver());
  }

  /** The connection, with the password resolved now (so a rotated secret takes effect). */
  public ConnInfo connInfo() {
    return context().connInfo();
  }

  /** The streamer configuration for this deployment. */
  public WalStreamer.Config streamerConfig() {
    return context().streamerConfig();
  }

  /** Opens the repository (its chunk index too); close the result. */
  public OpenedRepository open(RetryListener retries) {
    return context().open(retries);
  }

  /** Opens the repository for WAL work only (no chunk index); close the result. */
  public OpenedRepository openForWal(RetryListener retries) {
    return context().openForWal(retries);
  }
}
