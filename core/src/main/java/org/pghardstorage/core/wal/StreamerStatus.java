package org.pghardstorage.core.wal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.repo.Deployment;

/**
 * The figures of a streamer at one moment: what it received, what is durable, how far behind the
 * server it is in bytes and seconds, and when it last heard from the server. The server and metrics
 * reuse this record as it is.
 *
 * @param deployment the deployment
 * @param slot the slot
 * @param state what the streamer is doing
 * @param timeline the timeline being streamed (null before the first connection)
 * @param receivedLsn end of WAL received into memory
 * @param durableLsn end of WAL durable in the repository (what PostgreSQL is told is flushed)
 * @param serverLsn the server's end of WAL as last reported
 * @param lagBytes {@code serverLsn - durableLsn}
 * @param lagSeconds how long ago the server sent the newest WAL that is not durable yet (0 when
 *     caught up)
 * @param lastMessageAt when the last message from the server arrived (null if none yet)
 * @param lastError the last error, if any
 * @param reconnects reconnections since start
 * @param segmentsStored complete segments stored since start
 * @param gaps WAL ranges that could not be fetched, as {@code from..to}
 */
public record StreamerStatus(
    String deployment,
    String slot,
    State state,
    Long timeline,
    Lsn receivedLsn,
    Lsn durableLsn,
    Lsn serverLsn,
    long lagBytes,
    double lagSeconds,
    Instant lastMessageAt,
    String lastError,
    long reconnects,
    long segmentsStored,
    List<String> gaps) {

  /** What the streamer is doing. */
  public enum State {
    STARTING,
    CONNECTING,
    STREAMING,
    RECONNECTING,
    STOPPED,
    FAILED
  }

  /** Copies the list. */
  public StreamerStatus {
    gaps = List.copyOf(gaps);
  }

  /** Accumulates the figures; it is the receiver's listener. Thread-safe. */
  static final class Tracker implements WalReceiver.Listener {
    private final String deployment;
    private final String slot;
    private final Clock clock;
    private State state = State.STARTING;
    private Long timeline;
    private Lsn received = Lsn.INVALID;
    private Lsn durable = Lsn.INVALID;
    private Lsn server = Lsn.INVALID;
    private Instant lastMessage;
    private Instant oldestPendingSend;
    private String lastError;
    private long reconnects;
    private long segments;
    private final List<String> gaps = new ArrayList<>();

    Tracker(Deployment deployment, String slot, Clock clock) {
      this.deployment = deployment.name();
      this.slot = slot;
      this.clock = clock;
    }

    synchronized StreamerStatus snapshot() {
      long lag =
          server.isValid() && durable.isValid() && server.isAfter(durable)
              ? server.minus(durable)
              : 0;
      double lagSeconds =
          oldestPendingSend == null
              ? 0
              : Math.max(
                  0, Duration.between(oldestPendingSend, clock.instant()).toMillis() / 1000.0);
      return new StreamerStatus(
          deployment,
          slot,
          state,
          timeline,
          received,
          durable,
          server,
          lag,
          lagSeconds,
          lastMessage,
          lastError,
          reconnects,
          segments,
          gaps);
    }

    synchronized void connecting() {
      state = State.CONNECTING;
    }

    synchronized void streaming(TimelineId tli, Lsn from) {
      state = State.STREAMING;
      timeline = tli.value();
      if (!durable.isValid() || durable.isBefore(from)) {
        durable = from;
        received = from;
      }
    }

    synchronized void reconnecting(String error) {
      state = State.RECONNECTING;
      lastError = error;
      reconnects++;
      oldestPendingSend = null;
    }

    synchronized void failed(String error) {
      state = State.FAILED;
      lastError = error;
    }

    synchronized void stopped() {
      if (state != State.FAILED) {
        state = State.STOPPED;
      }
    }

    synchronized void gap(String range) {
      gaps.add(range);
    }

    @Override
    public synchronized void received(Lsn receivedUpTo, Lsn serverEnd, Instant sendTime) {
      lastMessage = clock.instant();
      if (receivedUpTo.isAfter(received)) {
        received = receivedUpTo;
        if (oldestPendingSend == null && receivedUpTo.isAfter(durable)) {
          oldestPendingSend = sendTime;
        }
      }
      if (serverEnd.isValid()) {
        server = serverEnd;
      }
    }

    @Override
    public synchronized void durable(Lsn lsn, TimelineId tli) {
      durable = lsn;
      timeline = tli.value();
      if (!received.isAfter(durable)) {
        oldestPendingSend = null;
      }
    }

    @Override
    public synchronized void segmentStored(WalSegmentName segment) {
      segments++;
    }

    @Override
    public synchronized void timelineSwitched(TimelineId next, Lsn switchLsn) {
      timeline = next.value();
    }
  }
}
