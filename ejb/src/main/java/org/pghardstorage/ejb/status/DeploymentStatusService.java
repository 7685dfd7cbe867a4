package org.pghardstorage.ejb.status;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.core.status.HealthFacts;
import org.pghardstorage.core.status.HealthRules;
import org.pghardstorage.core.status.Summarizer;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.core.wal.WalPreflight;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.metrics.StorageRetries;
import org.pghardstorage.ejb.streamer.StreamerSupervisor;

/**
 * A deployment's health as the server judges it: the repository's summary and the newest backup's
 * verification (read as the command line's {@code status} reads them), and this server's supervised
 * streamer, judged by {@link HealthRules#DEFAULT}.
 */
@Stateless
public class DeploymentStatusService {
  @EJB private DeploymentService deployments;
  @EJB private StreamerSupervisor streamers;
  @EJB private StorageRetries retries;

  /**
   * The health of {@code name} now.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code deployment.not_found}, or what
   *     reading its repository fails with
   */
  public DeploymentHealth health(String name) {
    Protected p = deployments.require(name);
    boolean wanted = deployments.find(name).map(d -> d.streaming()).orElse(false);
    try (OpenedRepository o = p.openForWal(retries.listener(name))) {
      Summarizer summarizer = new Summarizer(o.repository(), Clock.systemUTC());
      DeploymentSummary s = summarizer.summarize(p.deployment());
      return HealthRules.DEFAULT.judge(
          facts(
              s,
              summarizer.lastBackupVerified(p.deployment(), s),
              wanted,
              streamers.status(name),
              streamers.leaseHolder(name).filter(h -> !h.equals(streamers.owner()))));
    }
  }

  /**
   * The latest verification of backup {@code id} of {@code name}, as recorded in its repository.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code verify.not_found} (NOT_FOUND)
   *     when the backup was never verified, {@code deployment.not_found}, or what reading the
   *     repository fails with
   */
  public VerificationRecord verification(String name, String id) {
    Protected p = deployments.require(name);
    try (OpenedRepository o = p.openForWal(retries.listener(name))) {
      return VerificationRecord.read(o.repository(), p.deployment(), BackupId.parse(id))
          .orElseThrow(
              () ->
                  new HardstorageException(
                      "verify.not_found",
                      ExitCode.NOT_FOUND,
                      "backup " + id + " of " + name + " has never been verified",
                      "start a verify job: POST /api/v1/jobs"));
    }
  }

  /** The WAL timelines, coverage and gaps of {@code name}, as {@code wal audit} reports them. */
  public WalAudit.Report walAudit(String name) {
    Protected p = deployments.require(name);
    try (OpenedRepository o = p.openForWal(retries.listener(name))) {
      return WalAudit.run(o.repository(), p.deployment());
    }
  }

  /**
   * The WAL preflight of {@code name} with its stored credentials and its slot: reachability,
   * authentication, server settings (the API's connection test and the first step of a backup).
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code deployment.not_found}, or what
   *     connecting fails with
   */
  public PreflightReport connectionTest(String name) {
    DeploymentContext c = deployments.require(name).context();
    try (ReplicationConnection conn =
        ReplicationConnection.open(
            c.connInfo(),
            ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage preflight"))) {
      return new WalPreflight(false, true).run(conn.connection(), c.slot());
    }
  }

  /**
   * The facts for the health rules. A streamer running here tells whether it streams and its lag;
   * one switched off streams nothing; one whose lease another instance holds cannot be judged here,
   * so whether it streams is unknown rather than guessed.
   *
   * @param streamingWanted whether the deployment's streamer is switched on
   * @param here the streamer's status on this instance, if it runs here
   * @param elsewhere the instance holding the streamer's lease, when it is another one
   */
  static HealthFacts facts(
      DeploymentSummary summary,
      Optional<Boolean> lastBackupVerified,
      boolean streamingWanted,
      Optional<StreamerStatus> here,
      Optional<String> elsewhere) {
    Optional<Boolean> streaming;
    if (here.isPresent()) {
      streaming = Optional.of(here.get().state() == StreamerStatus.State.STREAMING);
    } else if (!streamingWanted) {
      streaming = Optional.of(false);
    } else {
      streaming = elsewhere.isPresent() ? Optional.empty() : Optional.of(false);
    }
    Optional<Duration> lag = here.map(s -> Duration.ofMillis(Math.round(s.lagSeconds() * 1000)));
    return HealthFacts.of(summary, streaming, lag, lastBackupVerified);
  }
}
