package org.pghardstorage.core.wal;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.pg.ReplicationEvent;
import org.pghardstorage.core.pg.ReplicationStream;
import org.pghardstorage.core.pg.TimelineHistoryFile;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives physical WAL on one replication connection and stores it in a {@link WalArchive}: each
 * complete segment as a write-once object, and the segment in progress as a partial object
 * rewritten whenever {@link Options#flushInterval()} has passed without anything new being stored,
 * also while a backlog is drained. It reports to PostgreSQL as flushed only WAL that is durable in
 * the repository, so a slot never advances past what we could lose.
 *
 * <p>With {@link Options#storeAhead()} a thread of its own stores (compresses, seals, fsyncs) in
 * submission order while this one receives the next WAL, holding at most {@link #STORE_AHEAD_BYTES}
 * (at least one segment) of submitted objects: see {@link WalStorer}.
 *
 * <p>Timeline switches are followed: the old timeline's last segment is kept as a partial, the new
 * timeline's history file is stored, and streaming continues on the new timeline, leaving no hole.
 *
 * <p>Single-threaded: {@link #run} owns the connection. {@link #stopAt} and {@link #requestStop}
 * may be called from other threads.
 */
public final class WalReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(WalReceiver.class);

  /**
   * How much submitted WAL may wait for the background storer: four 16 MiB segments, or one of a
   * larger segment size. The receiver holds one more segment (the one being filled) besides.
   */
  static final long STORE_AHEAD_BYTES = 64L << 20;

  private static final AtomicInteger STORERS = new AtomicInteger();

  /** How often the receiver looks at finished stores while some are running. */
  private static final Duration STORE_POLL = Duration.ofMillis(20);

  /**
   * How to receive.
   *
   * @param slot the replication slot to stream from, if any
   * @param flushInterval how often the partial segment is written while WAL arrives
   * @param statusInterval how often a status update is sent even without progress
   * @param segmentCompletionGrace how long to wait, once the stop LSN is received, for its segment
   *     to complete (a primary switches segments at the end of a backup) before storing it partial
   * @param continuous whether this receiver archives WAL continuously (the streamer): it then
   *     records, before storing WAL, that the archive holds every segment from where it starts on
   *     (format spec §13.1)
   * @param storeAhead whether WAL is stored by a thread of its own while the next WAL is received
   *     (faster when a backlog is drained); without it every store runs on the receiving thread
   */
  public record Options(
      Optional<String> slot,
      Duration flushInterval,
      Duration statusInterval,
      Duration segmentCompletionGrace,
      boolean continuous,
      boolean storeAhead) {
    /** Defaults: flush every second, status every 10 s, 10 s grace; not continuous; store ahead. */
    public static Options defaults(Optional<String> slot) {
      return new Options(
          slot, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(10), false, true);
    }
  }

  /** Progress callbacks; called on the receiving thread, must be quick. */
  public interface Listener {
    /** WAL up to {@code lsn} is durable in the repository. */
    default void durable(Lsn lsn, TimelineId timeline) {}

    /** A message arrived; {@code serverEnd} is the server's end of WAL. */
    default void received(Lsn receivedUpTo, Lsn serverEnd, Instant sendTime) {}

    /** A complete segment was stored. */
    default void segmentStored(WalSegmentName segment) {}

    /** Streaming moved to a new timeline at {@code switchLsn}. */
    default void timelineSwitched(TimelineId next, Lsn switchLsn) {}
  }

  /**
   * Where the receiver stopped.
   *
   * @param durable the end of WAL durable in the repository
   * @param timeline the timeline it was on
   */
  public record Result(Lsn durable, TimelineId timeline) {}

  private final ReplicationConnection connection;
  private final WalArchive archive;
  private final WalSegmentSize segmentSize;
  private final Options options;
  private final Listener listener;
  private final Clock clock;
  private final AtomicReference<Lsn> stopAt = new AtomicReference<>();
  private volatile boolean stopRequested;

  public WalReceiver(
      ReplicationConnection connection,
      WalArchive archive,
      WalSegmentSize segmentSize,
      Options options,
      Listener listener,
      Clock clock) {
    this.connection = connection;
    this.archive = archive;
    this.segmentSize = segmentSize;
    this.options = options;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * Stop once WAL up to {@code lsn} is durable (and its segment complete, or the grace period
   * over). Used by a base backup that fetches its own WAL.
   */
  public void stopAt(Lsn lsn) {
    stopAt.set(lsn);
  }

  /** Stop as soon as possible, storing what has been received. */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Streams from {@code start} on {@code timeline} until stopped. If {@code resume} holds the
   * stored bytes of {@code start}'s segment up to {@code start}, streaming continues after them;
   * otherwise it begins at the segment's first byte so the segment can be stored whole.
   */
  public Result run(Lsn start, TimelineId timeline, Optional<byte[]> resume) {
    TimelineId tli = timeline;
    WalSegmentName first = WalSegmentName.of(tli, start, segmentSize);
    SegmentBuffer buffer =
        resume
            .map(bytes -> SegmentBuffer.resume(first, bytes))
            .orElseGet(() -> new SegmentBuffer(first));
    storeHistory(tli);
    recordCoverage(first);
    Lsn durable = buffer.end();
    try (WalStorer storer = storer()) {
      while (true) {
        Session s = new Session(storer, buffer, durable, tli);
        Optional<ReplicationEvent.EndOfTimeline> switched = s.stream();
        durable = s.durable;
        buffer = s.buffer;
        if (switched.isEmpty()) {
          return new Result(durable, tli);
        }
        ReplicationEvent.EndOfTimeline eot = switched.get();
        LOG.info(
            "timeline {} ended at {}; following timeline {}",
            tli,
            eot.switchLsn(),
            eot.nextTimeline());
        tli = eot.nextTimeline();
        storeHistory(tli);
        // The new timeline's copy of the switch segment holds the same bytes before the switch
        // point; stream it from its start so it is stored whole under its new name.
        WalSegmentName next = WalSegmentName.of(tli, eot.switchLsn(), segmentSize);
        recordCoverage(next);
        buffer = new SegmentBuffer(next);
        listener.timelineSwitched(tli, eot.switchLsn());
      }
    }
  }

  private WalStorer storer() {
    if (!options.storeAhead()) {
      return WalStorer.inline(archive);
    }
    int depth = (int) Math.max(1, STORE_AHEAD_BYTES / segmentSize.bytes());
    return WalStorer.background(
        archive, depth, "pghs-wal-store-" + archive.deployment() + "-" + STORERS.incrementAndGet());
  }

  private void recordCoverage(WalSegmentName from) {
    if (options.continuous()) {
      archive.recordCoverage(new WalArchive.Coverage(from.toString(), Optional.empty()));
    }
  }

  private void storeHistory(TimelineId tli) {
    if (tli.value() > 1) {
      TimelineHistoryFile h = connection.timelineHistory(tli);
      archive.putHistory(tli.value(), h.content());
    }
  }

  /** One START_REPLICATION on one timeline. */
  private final class Session {
    final WalStorer storer;
    SegmentBuffer buffer;

    /** The end of WAL durable in the repository: what PostgreSQL may be told is flushed. */
    Lsn durable;

    /** The end of WAL handed to the storer, durable or not yet. */
    Lsn submitted;

    final TimelineId tli;

    /** When WAL was last handed to the storer, by a complete segment or a partial flush. */
    Instant lastFlush;

    Instant lastStatus;
    Instant stopSeen;
    Lsn reported = Lsn.INVALID;

    Session(WalStorer storer, SegmentBuffer buffer, Lsn durable, TimelineId tli) {
      this.storer = storer;
      this.buffer = buffer;
      this.durable = durable;
      this.submitted = durable;
      this.tli = tli;
      this.lastFlush = clock.instant();
      this.lastStatus = Instant.EPOCH;
    }

    Optional<ReplicationEvent.EndOfTimeline> stream() {
      try (ReplicationStream stream =
          connection.startPhysicalReplication(options.slot(), buffer.end(), tli, false)) {
        report(stream, false);
        while (true) {
          if (shouldStop()) {
            flushPartial();
            storer.awaitAll();
            absorbStored();
            report(stream, false);
            stream.endStream();
            return Optional.empty();
          }
          Optional<ReplicationEvent> event = stream.poll(nextWait());
          if (event.isPresent()) {
            ReplicationEvent e = event.get();
            if (e instanceof ReplicationEvent.XLogData data) {
              accept(data);
              absorbStored();
              listener.received(buffer.end(), data.walEnd(), data.sendTime());
            } else if (e instanceof ReplicationEvent.Keepalive k) {
              listener.received(buffer.end(), k.walEnd(), k.sendTime());
              if (k.replyRequested()) {
                absorbStored();
                report(stream, true);
              }
            } else if (e instanceof ReplicationEvent.EndOfTimeline eot) {
              flushPartial();
              storer.awaitAll();
              absorbStored();
              return Optional.of(eot);
            }
          }
          // Also while a backlog is drained: the promise is durability at least every interval.
          // Complete segments, stored as soon as their last byte arrives, keep the partial from
          // being written at all while WAL arrives faster than a segment per interval.
          if (!clock.instant().isBefore(lastFlush.plus(options.flushInterval()))) {
            flushPartial();
          }
          absorbStored();
          Instant now = clock.instant();
          if (durable.isAfter(reported)
              || !now.isBefore(lastStatus.plus(options.statusInterval()))) {
            report(stream, false);
          }
        }
      }
    }

    private Duration nextWait() {
      Instant now = clock.instant();
      Instant next = lastFlush.plus(options.flushInterval());
      Instant status = lastStatus.plus(options.statusInterval());
      if (status.isBefore(next)) {
        next = status;
      }
      Duration d = Duration.between(now, next);
      if (d.isNegative() || d.isZero()) {
        return Duration.ofMillis(1);
      }
      // While stores run, look again soon: the server hears of durable WAL only through us.
      Duration cap = storer.busy() ? STORE_POLL : Duration.ofMillis(250);
      return d.compareTo(cap) > 0 ? cap : d;
    }

    private void accept(ReplicationEvent.XLogData data) {
      ByteBuffer payload = data.payload();
      Lsn at = data.walStart();
      while (payload.hasRemaining()) {
        int n = buffer.append(at, payload);
        at = at.plus(n);
        if (buffer.isComplete()) {
          WalSegmentName name = buffer.name();
          submitted = buffer.end();
          absorbStored(); // what is durable is taken in before a failure can be rethrown
          // The full buffer goes to the storer as it is; receiving continues in a new one.
          storer.submitSegment(name, buffer.takeComplete());
          buffer = new SegmentBuffer(name.next());
          lastFlush = clock.instant();
        }
      }
    }

    private void flushPartial() {
      lastFlush = clock.instant();
      if (buffer.end().isAfter(submitted) && buffer.filled() > 0) {
        submitted = buffer.end();
        absorbStored();
        storer.submitPartial(buffer.name(), buffer.content());
      }
    }

    /** Takes in what the storer has made durable since the last call, in order. */
    private void absorbStored() {
      storer.absorb(
          stored -> {
            durable = stored.end();
            if (stored.complete()) {
              listener.segmentStored(stored.segment());
            }
            listener.durable(durable, tli);
          });
    }

    private void report(ReplicationStream stream, boolean replyRequested) {
      // write = what we hold in memory; flush = what is durable in the repository
      stream.sendStatus(buffer.end(), durable, durable, replyRequested);
      reported = durable;
      lastStatus = clock.instant();
    }

    private boolean shouldStop() {
      if (stopRequested) {
        return true;
      }
      Lsn target = stopAt.get();
      if (target == null || buffer.end().isBefore(target)) {
        return false;
      }
      // Past the target: stop once the target's segment is stored whole, or after the grace.
      WalSegmentName targetSegment =
          WalSegmentName.of(tli, target.value() == 0 ? target : target.plus(-1), segmentSize);
      if (buffer.name().compareTo(targetSegment) > 0) {
        return true;
      }
      Instant now = clock.instant();
      if (stopSeen == null) {
        stopSeen = now;
      }
      return !now.isBefore(stopSeen.plus(options.segmentCompletionGrace()));
    }
  }
}
