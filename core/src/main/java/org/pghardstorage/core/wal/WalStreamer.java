package org.pghardstorage.core.wal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.pg.ReplicationSlot;
import org.pghardstorage.core.pg.SystemIdentification;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The always-on streamer of one deployment: holds a physical slot, ships every WAL byte into the
 * repository, and survives everything short of a changed database system by reconnecting with
 * jittered backoff. A crash is just a restart: it resumes from what is durable in the repository.
 *
 * <p>{@link #run()} blocks until {@link #stop()}; {@link #status()} may be read from any thread.
 */
public final class WalStreamer {
  private static final Logger LOG = LoggerFactory.getLogger(WalStreamer.class);

  /** The ceiling of the first wait before reconnecting; {@link RetryPolicy} doubles it. */
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** Retry numbers stop growing here: the ceiling reached its cap long before. */
  private static final int MAX_RETRY_NUMBER = 64;

  /**
   * How to stream.
   *
   * @param deployment the deployment
   * @param connInfo how to reach the server
   * @param slot the physical slot name
   * @param flushInterval how often the partial segment is made durable
   * @param allowStandby whether a server in recovery is acceptable
   * @param maxBackoff the longest wait between reconnection attempts
   */
  public record Config(
      Deployment deployment,
      ConnInfo connInfo,
      String slot,
      Duration flushInterval,
      boolean allowStandby,
      Duration maxBackoff) {}

  private final Repository repository;
  private final Config config;
  private final Clock clock;
  private final StreamerStatus.Tracker status;
  private final AtomicReference<WalReceiver> current = new AtomicReference<>();
  private volatile boolean stopping;
  private volatile String systemId;

  public WalStreamer(Repository repository, Config config, Clock clock) {
    this.repository = repository;
    this.config = config;
    this.clock = clock;
    this.status = new StreamerStatus.Tracker(config.deployment(), config.slot(), clock);
  }

  /** A consistent snapshot of the streamer's figures. */
  public StreamerStatus status() {
    return status.snapshot();
  }

  /** Asks {@link #run()} to flush what it holds and return. */
  public void stop() {
    stopping = true;
    WalReceiver r = current.get();
    if (r != null) {
      r.requestStop();
    }
  }

  /**
   * Streams until {@link #stop()}. Transient failures (network, server restart, storage hiccup) are
   * retried with jittered exponential backoff; a changed system identifier, a failed preflight or
   * an invalidated slot end the run with the error.
   */
  public void run() {
    RetryPolicy reconnect = RetryPolicy.unbounded(FIRST_BACKOFF, config.maxBackoff());
    int retry = 1;
    // Held for days: a wal-append lock lets rotation and GC run meanwhile, as they never touch
    // the WAL this streamer writes (format spec §12).
    try (RepositoryLock lock =
        repository.lock(LockKind.WAL_APPEND, "WAL streamer of " + config.deployment())) {
      while (!stopping) {
        Instant began = clock.instant();
        try {
          session(lock);
          if (stopping) {
            break;
          }
        } catch (HardstorageException e) {
          if (fatal(e)) {
            status.failed(e.getMessage());
            throw e;
          }
          status.reconnecting(e.getMessage());
          LOG.warn(
              "streamer {}: {}; reconnecting in at most {}",
              config.deployment(),
              e.getMessage(),
              reconnect.ceiling(retry));
        }
        if (Duration.between(began, clock.instant()).compareTo(Duration.ofMinutes(1)) > 0) {
          retry = 1; // it streamed for a while: start the backoff over
        }
        sleep(reconnect.backoff(retry));
        retry = Math.min(retry + 1, MAX_RETRY_NUMBER);
      }
    }
    status.stopped();
  }

  private void session(RepositoryLock lock) {
    status.connecting();
    ConnectOptions options =
        ConnectOptions.replication()
            .withFallbackApplicationName("pg_hardstorage streamer " + config.deployment());
    try (ReplicationConnection c = ReplicationConnection.open(config.connInfo(), options)) {
      new WalPreflight(config.allowStandby()).run(c.connection(), config.slot()).requireOk();
      SystemIdentification system = c.identifySystem();
      requireSameSystem(system);
      WalSegmentSize segmentSize = c.walSegmentSize();
      ReplicationSlot slot =
          c.readReplicationSlot(config.slot())
              .orElseGet(
                  () -> {
                    LOG.info("creating physical slot {} with RESERVE_WAL", config.slot());
                    return c.createPhysicalSlot(config.slot(), false, true);
                  });
      WalArchive archive = repository.wal(config.deployment());
      ResumePoint from =
          ResumePoint.find(archive, segmentSize, system.timeline(), slot, c::timelineHistory);
      from.gap()
          .ifPresent(
              g -> {
                LOG.error(
                    "streamer {}: WAL {} is neither in the repository nor on the server: a gap",
                    config.deployment(),
                    g);
                status.gap(g);
              });
      lock.checkHeld();
      WalReceiver receiver =
          new WalReceiver(
              c,
              archive,
              segmentSize,
              new WalReceiver.Options(
                  Optional.of(config.slot()),
                  config.flushInterval(),
                  Duration.ofSeconds(10),
                  Duration.ZERO,
                  true,
                  true),
              status,
              clock);
      current.set(receiver);
      if (stopping) {
        return;
      }
      status.streaming(from.timeline(), from.start());
      receiver.run(from.start(), from.timeline(), from.prefill());
    } finally {
      current.set(null);
    }
  }

  private void requireSameSystem(SystemIdentification system) {
    String seen = system.systemId().toString();
    if (systemId == null) {
      systemId = recordedSystem().orElse(seen);
    }
    if (!systemId.equals(seen)) {
      throw new HardstorageException(
          "wal.system_changed",
          ExitCode.CONFLICT,
          "deployment "
              + config.deployment()
              + " belongs to database system "
              + systemId
              + " but the server is now system "
              + seen
              + "; refusing to mix their WAL",
          "if the cluster was rebuilt on purpose, protect it as a new deployment");
    }
  }

  private Optional<String> recordedSystem() {
    var backups = repository.listBackups(config.deployment());
    if (backups.isEmpty()) {
      return Optional.empty();
    }
    return repository
        .readManifest(config.deployment(), backups.get(backups.size() - 1))
        .map(m -> m.postgres().systemIdentifier());
  }

  private static boolean fatal(HardstorageException e) {
    return e.code().equals("wal.system_changed")
        || e.code().equals("preflight.failed")
        || e.exitCode() == ExitCode.AUTHENTICATION
        || e.exitCode() == ExitCode.USAGE;
  }

  private void sleep(Duration d) {
    Instant until = clock.instant().plus(d);
    while (!stopping && clock.instant().isBefore(until)) {
      try {
        Thread.sleep(
            Math.min(200, Math.max(1, Duration.between(clock.instant(), until).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  /** The LSN just past what is durable, for callers that wait on the streamer (backups). */
  public Lsn durable() {
    return status.snapshot().durableLsn();
  }

  /** The timeline being streamed. */
  public Optional<TimelineId> timeline() {
    return Optional.ofNullable(status.snapshot().timeline()).map(TimelineId::of);
  }
}
