package org.pghardstorage.core.deployment;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.backup.BackupRequest;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStores;
import org.pghardstorage.core.storage.retry.RetryListener;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.pghardstorage.core.storage.retry.RetryingObjectStore;
import org.pghardstorage.core.wal.WalStreamer;

/**
 * One deployment as the engine needs it, built the same way by the command line (from {@code
 * pg_hardstorage.yml} and flags) and by the server (from its catalogue): the slot by {@link
 * #slotFor one rule}, the password and repository key resolved through one {@link SecretResolver}
 * when they are needed (never held, never logged), and the repository opened through {@link
 * #openStore one retry policy}. Holds no open resource.
 */
public final class DeploymentContext {
  /** Prefix of a deployment's default slot: {@code pg_hardstorage_<name>}. */
  public static final String SLOT_PREFIX = "pg_hardstorage_";

  /** How often a streamer makes its partial segment durable. */
  private static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

  /**
   * The ceiling of a streamer's wait between reconnection attempts
   * (docs/explanation/wal-streaming.md): the command line and the server alike.
   */
  private static final Duration STREAMER_MAX_BACKOFF = Duration.ofSeconds(30);

  private final Deployment deployment;
  private final ConnInfo connInfo;
  private final Optional<SecretRef> password;
  private final String repositoryUrl;
  private final Optional<SecretRef> kek;
  private final String slot;
  private final SecretResolver secrets;

  /**
   * A deployment's context.
   *
   * @param connInfo how to reach it, without the password
   * @param password where its password lives; empty: {@code PGPASSWORD}, {@code .pgpass} or trust
   * @param repositoryUrl its repository
   * @param kek where the repository passphrase lives; empty for an unencrypted repository
   * @param slot its streamer's slot when configured; empty or blank for the default
   * @param secrets how references resolve in this process
   */
  public DeploymentContext(
      Deployment deployment,
      ConnInfo connInfo,
      Optional<SecretRef> password,
      String repositoryUrl,
      Optional<SecretRef> kek,
      Optional<String> slot,
      SecretResolver secrets) {
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.connInfo = Objects.requireNonNull(connInfo, "connInfo");
    this.password = Objects.requireNonNull(password, "password");
    this.repositoryUrl = Objects.requireNonNull(repositoryUrl, "repositoryUrl");
    this.kek = Objects.requireNonNull(kek, "kek");
    this.slot = slotFor(deployment, slot);
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  /**
   * The one slot rule: the configured slot when there is one, else {@code pg_hardstorage_<name>}
   * with {@code -} as {@code _} (slot names allow neither upper case nor {@code -}).
   */
  public static String slotFor(Deployment deployment, Optional<String> configured) {
    return configured
        .filter(s -> !s.isBlank())
        .orElseGet(() -> SLOT_PREFIX + deployment.name().replace('-', '_'));
  }

  /**
   * The store behind {@code url} wrapped in the one retry policy ({@link RetryPolicy#DEFAULT}):
   * every shell opens repositories through this, so a storage hiccup is ridden out the same way by
   * the command line and the server. Nothing is read yet; close the result.
   */
  public static ObjectStore openStore(String url, RetryListener retries) {
    return new RetryingObjectStore(ObjectStores.open(url), RetryPolicy.DEFAULT, retries);
  }

  /** The deployment. */
  public Deployment deployment() {
    return deployment;
  }

  /** The slot of its streamer, by {@link #slotFor}. */
  public String slot() {
    return slot;
  }

  /** Its repository URL. */
  public String repositoryUrl() {
    return repositoryUrl;
  }

  /** The connection, with the password resolved now (so a rotated secret takes effect). */
  public ConnInfo connInfo() {
    return password.map(ref -> connInfo.withPassword(secrets.resolve(ref))).orElse(connInfo);
  }

  /** Open options with the repository passphrase resolved now, if there is one. */
  public OpenOptions openOptions() {
    OpenOptions options = OpenOptions.defaults();
    return kek.map(ref -> options.withPassphrase(secrets.resolve(ref).toCharArray()))
        .orElse(options);
  }

  /** Opens the repository (its chunk index too) through {@link #openStore}; close the result. */
  public OpenedRepository open(RetryListener retries) {
    return open(retries, false);
  }

  /** Opens the repository for WAL work only (no chunk index); close the result. */
  public OpenedRepository openForWal(RetryListener retries) {
    return open(retries, true);
  }

  private OpenedRepository open(RetryListener retries, boolean walOnly) {
    OpenOptions options = openOptions();
    secrets.checkRepositoryUrl(repositoryUrl);
    return OpenedRepository.open(openStore(repositoryUrl, retries), options, walOnly);
  }

  /** The streamer configuration: this slot, the password resolved now, a primary only. */
  public WalStreamer.Config streamerConfig() {
    return streamerConfig(FLUSH_INTERVAL, false);
  }

  /** As {@link #streamerConfig()}, with another flush interval and, if asked, on a standby. */
  public WalStreamer.Config streamerConfig(Duration flushInterval, boolean allowStandby) {
    return new WalStreamer.Config(
        deployment, connInfo(), slot, flushInterval, allowStandby, STREAMER_MAX_BACKOFF);
  }

  /**
   * A backup of this deployment with the request's defaults: it looks for the running streamer on
   * this deployment's slot.
   */
  public BackupRequest backupRequest(String label) {
    return BackupRequest.of(deployment, connInfo(), label, slot);
  }

  @Override
  public String toString() {
    // references and the redacted conninfo only: a context is logged, its secrets never are
    return "deployment "
        + deployment
        + " ("
        + connInfo.redacted()
        + ", repository "
        + repositoryUrl
        + ", slot "
        + slot
        + ")";
  }
}
