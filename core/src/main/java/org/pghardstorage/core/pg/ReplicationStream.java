package org.pghardstorage.core.pg;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A running {@code START_REPLICATION … PHYSICAL}: pull WAL with {@link #read()}, confirm progress
 * with {@link #sendStatus}. Nothing is buffered beyond the message being returned.
 *
 * <p>With auto-reply on, a keepalive that requests a reply is answered at once with the positions
 * of the last {@link #sendStatus} call (never with positions the caller has not confirmed, so a
 * slot never advances past WAL that is not safely stored). The keepalive is still returned, so the
 * caller sees the server's WAL end.
 *
 * <p>When the server finishes a historic timeline, {@link #read()} returns {@link
 * ReplicationEvent.EndOfTimeline} once and the connection is idle again.
 */
public final class ReplicationStream implements AutoCloseable {
  private final CopyBothStream copy;
  private final boolean autoReply;
  private final Clock clock;
  private final String peer;
  private Lsn lastReceived;
  private Lsn serverWalEnd = Lsn.INVALID;
  private Lsn reportedWrite = Lsn.INVALID;
  private Lsn reportedFlush = Lsn.INVALID;
  private Lsn reportedApply = Lsn.INVALID;
  private Optional<ReplicationEvent.EndOfTimeline> endOfTimeline = Optional.empty();

  ReplicationStream(CopyBothStream copy, Lsn start, boolean autoReply, Clock clock, String peer) {
    this.copy = copy;
    this.autoReply = autoReply;
    this.clock = clock;
    this.peer = peer;
    this.lastReceived = start;
  }

  /**
   * The next message: WAL data, a keepalive, or the end of the timeline. Blocks until one arrives
   * or the read timeout expires ({@code pg.timeout}).
   *
   * @throws PgServerException if the server reports an error (e.g. the requested WAL is gone)
   * @throws IllegalStateException after the stream has ended
   */
  public ReplicationEvent read() {
    if (copy.isFinished()) {
      throw new IllegalStateException("the replication stream has ended");
    }
    Optional<byte[]> data = copy.read();
    if (data.isEmpty()) {
      endOfTimeline = nextTimeline(copy.results());
      return endOfTimeline.orElseThrow(
          () ->
              PgErrors.protocol(
                  peer, "the server ended streaming without naming the next timeline"));
    }
    byte[] msg = data.get();
    if (msg.length == 0) {
      throw PgErrors.protocol(peer, "empty CopyData in a replication stream");
    }
    ByteBuffer b = ByteBuffer.wrap(msg);
    byte kind = b.get();
    try {
      if (kind == 'w') {
        Lsn start = Lsn.of(b.getLong());
        Lsn end = Lsn.of(b.getLong());
        long sendTime = b.getLong();
        ByteBuffer payload = b.slice().asReadOnlyBuffer();
        lastReceived = start.plus(payload.remaining());
        serverWalEnd = end;
        return new ReplicationEvent.XLogData(start, end, PgTimestamps.toInstant(sendTime), payload);
      }
      if (kind == 'k') {
        Lsn end = Lsn.of(b.getLong());
        long sendTime = b.getLong();
        boolean reply = b.get() != 0;
        serverWalEnd = end;
        if (reply && autoReply) {
          sendStatus(reportedWrite, reportedFlush, reportedApply, false);
        }
        return new ReplicationEvent.Keepalive(end, PgTimestamps.toInstant(sendTime), reply);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw PgErrors.protocol(peer, "truncated replication message '" + (char) kind + "'");
    }
    throw PgErrors.protocol(peer, "unknown replication message type '" + (char) kind + "'");
  }

  /**
   * As {@link #read()}, but returns empty if no message starts within {@code limit}, so a caller
   * can do timed work (flushing, status updates) while the server is quiet. A timeout consumes
   * nothing and leaves the stream usable.
   */
  public Optional<ReplicationEvent> poll(java.time.Duration limit) {
    if (copy.isFinished()) {
      throw new IllegalStateException("the replication stream has ended");
    }
    return copy.await(limit) ? Optional.of(read()) : Optional.empty();
  }

  /** The next-timeline row (next_tli, next_tli_startpos) among the results, if any. */
  private static Optional<ReplicationEvent.EndOfTimeline> nextTimeline(List<QueryResult> results) {
    for (QueryResult r : results) {
      if (r.columns().size() == 2 && r.rows().size() == 1) {
        Row row = r.singleRow();
        return Optional.of(
            new ReplicationEvent.EndOfTimeline(TimelineId.of(row.getLong(0)), row.getLsn(1)));
      }
    }
    return Optional.empty();
  }

  /**
   * Sends a standby status update. {@code flush} is what the server may consider durable (a slot
   * advances to it); {@link Lsn#INVALID} means "unknown".
   *
   * @param replyRequested asks the server to answer with a keepalive at once
   */
  public void sendStatus(Lsn write, Lsn flush, Lsn apply, boolean replyRequested) {
    if (!copy.canWrite()) {
      throw new IllegalStateException("the replication stream is no longer writable");
    }
    byte[] msg =
        ByteBuffer.allocate(34)
            .put((byte) 'r')
            .putLong(write.value())
            .putLong(flush.value())
            .putLong(apply.value())
            .putLong(PgTimestamps.fromInstant(clock.instant()))
            .put((byte) (replyRequested ? 1 : 0))
            .array();
    copy.write(msg);
    reportedWrite = write;
    reportedFlush = flush;
    reportedApply = apply;
  }

  /** The LSN just past the last WAL byte received (the start position before any data). */
  public Lsn lastReceived() {
    return lastReceived;
  }

  /** The server's end of WAL from the last message. */
  public Lsn serverWalEnd() {
    return serverWalEnd;
  }

  /** The flush position last reported with {@link #sendStatus}. */
  public Lsn reportedFlush() {
    return reportedFlush;
  }

  /** Whether the stream has ended (end of timeline, or {@link #endStream()}). */
  public boolean isEnded() {
    return copy.isFinished();
  }

  /**
   * Ends streaming from our side: sends CopyDone, discards WAL still in flight, and waits for the
   * server to finish the command. The connection is then idle and can run other commands.
   *
   * @return the end of timeline if the server reported one (streaming a historic timeline)
   */
  public Optional<ReplicationEvent.EndOfTimeline> endStream() {
    if (copy.isFinished()) {
      return endOfTimeline;
    }
    // Stopping on the current timeline yields no next-timeline row: empty is the normal answer.
    endOfTimeline = nextTimeline(copy.endCopy());
    return endOfTimeline;
  }

  /** Ends the stream as {@link #endStream()} does. */
  @Override
  public void close() {
    copy.close();
  }
}
