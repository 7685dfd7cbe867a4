package org.pghardstorage.core.pg;

import java.nio.ByteBuffer;
import java.time.Instant;

/** What {@link ReplicationStream#read()} returns: WAL data, a keepalive, or the timeline's end. */
public sealed interface ReplicationEvent
    permits ReplicationEvent.XLogData, ReplicationEvent.Keepalive, ReplicationEvent.EndOfTimeline {

  /**
   * A piece of WAL.
   *
   * @param walStart the LSN of the first payload byte
   * @param walEnd the server's current end of WAL
   * @param sendTime when the server sent the message
   * @param payload the WAL bytes (read-only, positioned at the first byte)
   */
  record XLogData(Lsn walStart, Lsn walEnd, Instant sendTime, ByteBuffer payload)
      implements ReplicationEvent {
    /** Keeps a read-only view so callers cannot change what others read. */
    public XLogData {
      payload = payload.asReadOnlyBuffer();
    }

    /** A fresh read-only view of the WAL bytes: reading it never disturbs another caller's. */
    @Override
    public ByteBuffer payload() {
      return payload.duplicate();
    }

    /** The number of WAL bytes. */
    public int length() {
      return payload.remaining();
    }

    /** The LSN just past this payload. */
    public Lsn walEndOfPayload() {
      return walStart.plus(payload.remaining());
    }
  }

  /**
   * A primary keepalive. If {@code replyRequested}, the server disconnects us unless we send a
   * status update soon ({@code wal_sender_timeout}); the stream answers automatically when created
   * with auto-reply.
   *
   * @param walEnd the server's current end of WAL
   * @param sendTime when the server sent it
   * @param replyRequested whether the server asks for an immediate status update
   */
  record Keepalive(Lsn walEnd, Instant sendTime, boolean replyRequested)
      implements ReplicationEvent {}

  /**
   * The server has sent all WAL of the requested (historic) timeline. Streaming continues by
   * starting again at {@code switchLsn} on {@code nextTimeline}.
   *
   * @param nextTimeline the timeline that follows
   * @param switchLsn where the next timeline starts
   */
  record EndOfTimeline(TimelineId nextTimeline, Lsn switchLsn) implements ReplicationEvent {}
}
