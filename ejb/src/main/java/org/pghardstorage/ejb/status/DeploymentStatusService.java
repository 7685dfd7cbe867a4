package org.pghardstorage.ejb.status;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
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
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.metrics.DeploymentMetrics;
import org.pghardstorage.ejb.metrics.StorageRetries;
import org.pghardstorage.ejb.streamer.StreamerSupervisor;

/**
 * A deployment's health as the server judges it: the repository's summary and the newest backup's
 * verification (read as the command line's {@code status} reads them), and this server's supervised
 * streamer, judged by {@link HealthRules#DEFAULT}.
 */
@Stateless
public class DeploymentStatusService {
  /**
   * The dashboard's repository reads, shared by every instance of this bean (a final field holding
   * a thread-safe cache): one read per deployment per {@link RepositoryFactsCache#TTL}, however
   * often the dashboard is shown.
   */
  private static final RepositoryFactsCache DASHBOARD_READS =
      new RepositoryFactsCache(Clock.systemUTC(), RepositoryFactsCache.TTL);

  @EJB private DeploymentService deployments;
  @EJB private StreamerSupervisor streamers;
  @EJB private StorageRetries retries;
  @EJB private JobRuns jobs;
  @EJB private CatalogueService catalogue;
  @EJB private DeploymentMetrics metrics;

  /**
   * The health of {@code name} now.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code deployment.not_found}, or what
   *     reading its repository fails with
   */
  public DeploymentHealth health(String name) {
    Protected p = deployments.require(name);
    boolean wanted = deployments.find(name).map(d -> d.streaming()).orElse(false);
    RepositoryFacts r = read(p);
    return HealthRules.DEFAULT.judge(
        facts(
            r.summary(),
            r.lastVerification().map(VerificationRecord::ok),
            wanted,
            streamers.status(name),
            elsewhere(name)));
  }

  /**
   * {@code name} at a glance, for the console's dashboard: its health and RPO by the one model (as
   * {@link #health(String)}), its streamer, its newest backup and that backup's latest verification
   * (from the repository), this server's newest backup job run, the repository bytes the metrics
   * measure ({@link DeploymentMetrics#repositoryBytes(String)}) and the catalogue's dedup ratio of
   * the newest backup. The repository's facts may be up to {@link RepositoryFactsCache#TTL} old
   * ({@link DeploymentOverview#repositoryReadAt()} says when they were read; the ages in them are
   * advanced to now). A repository that cannot be read makes the health {@code unknown} with the
   * reason, and the figures it would have given null; the others are still shown.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code deployment.not_found}
   */
  public DeploymentOverview overview(String name) {
    Protected p = deployments.require(name);
    return overview(
        name,
        () -> DASHBOARD_READS.get(name, () -> read(p)),
        deployments.find(name).map(d -> d.streaming()).orElse(false),
        streamers.status(name),
        elsewhere(name),
        jobs.latest("base-backup", name),
        catalogue.backups(name, 1, null).items().stream().findFirst(),
        metrics.repositoryBytes(name));
  }

  /**
   * Every deployment at a glance, by name: {@link #overview(String)} of each, the one list the
   * console's dashboard and {@code GET /api/v1/deployments/overview} both show.
   */
  public List<DeploymentOverview> overviews() {
    List<DeploymentOverview> all =
        deployments.list().stream().map(d -> overview(d.name())).toList();
    DASHBOARD_READS.retain(all.stream().map(DeploymentOverview::deployment).toList());
    return all;
  }

  /**
   * What the repository tells about a deployment: its summary and the newest backup's latest
   * verification, if it was ever verified.
   */
  record RepositoryFacts(
      DeploymentSummary summary, Optional<VerificationRecord> lastVerification) {}

  private RepositoryFacts read(Protected p) {
    try (OpenedRepository o = p.openForWal(retries.listener(p.deployment().name()))) {
      Summarizer summarizer = new Summarizer(o.repository(), Clock.systemUTC());
      DeploymentSummary s = summarizer.summarize(p.deployment());
      return new RepositoryFacts(s, summarizer.lastBackupVerification(p.deployment(), s));
    }
  }

  private Optional<String> elsewhere(String name) {
    return streamers.leaseHolder(name).filter(h -> !h.equals(streamers.owner()));
  }

  /**
   * Assembles the overview from what each source told. Nothing is judged here but by {@link
   * HealthRules#DEFAULT}; nothing unknown is given a value.
   *
   * @param repository reads the repository (or serves a recent read); a {@link
   *     HardstorageException} it throws makes the health unknown
   * @param lastRun this server's newest base-backup job run
   * @param catalogued the catalogue's newest committed backup
   * @param repositoryBytes the measured repository bytes
   */
  static DeploymentOverview overview(
      String name,
      Supplier<RepositoryFactsCache.Read> repository,
      boolean streamingWanted,
      Optional<StreamerStatus> here,
      Optional<String> elsewhere,
      Optional<JobRunView> lastRun,
      Optional<BackupView> catalogued,
      Optional<Long> repositoryBytes) {
    Optional<RepositoryFacts> read;
    DeploymentHealth health;
    String unknownWhy = null;
    java.time.Instant readAt = null;
    try {
      RepositoryFactsCache.Read cached = repository.get();
      RepositoryFacts r = cached.facts();
      readAt = cached.readAt();
      read = Optional.of(r);
      health =
          HealthRules.DEFAULT.judge(
              facts(
                  r.summary(),
                  r.lastVerification().map(VerificationRecord::ok),
                  streamingWanted,
                  here,
                  elsewhere));
    } catch (HardstorageException e) {
      read = Optional.empty();
      health = null;
      unknownWhy = e.getMessage();
    }
    Optional<DeploymentSummary> summary = read.map(RepositoryFacts::summary);
    Optional<VerificationRecord> verification = read.flatMap(RepositoryFacts::lastVerification);
    Long rpo =
        health != null
            ? health.rpoSeconds()
            // without the repository, only a streamer streaming here tells the RPO (its lag)
            : new HealthFacts(
                    Optional.of(
                        here.map(s -> s.state() == StreamerStatus.State.STREAMING).orElse(false)),
                    lag(here),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    0,
                    0)
                .rpo()
                .map(Duration::toSeconds)
                .orElse(null);
    String streamer;
    if (here.isPresent()) {
      streamer = here.get().state().name();
    } else if (!streamingWanted) {
      streamer = "off";
    } else {
      streamer = elsewhere.isPresent() ? "elsewhere" : "not running";
    }
    Optional<String> lastId = summary.map(DeploymentSummary::lastBackupId);
    return new DeploymentOverview(
        name,
        health != null ? health.status().label() : "unknown",
        health != null ? health.reasons() : List.of(unknownWhy),
        streamer,
        here.isPresent() ? null : elsewhere.orElse(null),
        here.map(StreamerStatus::lagBytes).orElse(null),
        here.map(StreamerStatus::lagSeconds).orElse(null),
        rpo,
        lastId.orElse(null),
        summary.map(DeploymentSummary::lastBackupFinishedAt).orElse(null),
        summary.map(DeploymentSummary::lastBackupAgeSeconds).orElse(null),
        lastRun.map(JobRunView::state).orElse(null),
        lastRun.map(JobRunView::error).orElse(null),
        verification.map(VerificationRecord::verifiedAt).orElse(null),
        verification.map(VerificationRecord::ok).orElse(null),
        repositoryBytes.orElse(null),
        // the catalogue may trail the repository (a backup the command line took is catalogued
        // at the next rebuild): its ratio is only the newest backup's when the ids agree
        catalogued
            .filter(b -> lastId.isPresent() && b.backupId().equals(lastId.get()))
            .map(BackupView::dedupRatio)
            .orElse(null),
        readAt);
  }

  private static Optional<Duration> lag(Optional<StreamerStatus> here) {
    return here.map(s -> Duration.ofMillis(Math.round(s.lagSeconds() * 1000)));
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
    return deployments.require(name).connectionTest();
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
    return HealthFacts.of(summary, streaming, lag(here), lastBackupVerified);
  }
}
