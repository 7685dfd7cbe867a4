package org.pghardstorage.core.pg;

import java.util.List;
import java.util.Optional;

/**
 * A COPY BOTH exchange (START_REPLICATION): both sides send CopyData until each sends CopyDone.
 * When the server ends its side first (end of a timeline) we answer CopyDone and read the results
 * that follow, available from {@link #results()}.
 */
public final class CopyBothStream implements AutoCloseable {
  private final PgConnection connection;
  private List<QueryResult> results;

  CopyBothStream(PgConnection connection) {
    this.connection = connection;
  }

  /**
   * The next CopyData payload from the server, or empty once the server has ended the copy and the
   * statement has finished ({@link #results()} is then available).
   */
  public Optional<byte[]> read() {
    if (results != null) {
      return Optional.empty();
    }
    Optional<byte[]> data = connection.readCopyData();
    if (data.isEmpty()) {
      if (connection.copyClientOpen()) {
        connection.sendCopyDone();
      }
      results = connection.finishQuery();
    }
    return data;
  }

  /**
   * Waits up to {@code limit} for the server's next message. True if one is ready (or the copy is
   * over), false on timeout; nothing is consumed.
   */
  public boolean await(java.time.Duration limit) {
    return results != null || connection.awaitMessage(limit);
  }

  /** Sends one CopyData message. */
  public void write(byte[] data) {
    write(data, 0, data.length);
  }

  /** Sends one CopyData message from part of an array. */
  public void write(byte[] data, int offset, int length) {
    connection.sendCopyData(data, offset, length);
  }

  /** Whether we may still send (we have not sent CopyDone). */
  public boolean canWrite() {
    return connection.copyClientOpen();
  }

  /** Whether the copy is over and the connection idle. */
  public boolean isFinished() {
    return results != null;
  }

  /**
   * Ends our side with CopyDone, discards what the server still sends until its CopyDone, and reads
   * the results up to ReadyForQuery.
   *
   * @return the results sent after the copy
   */
  public List<QueryResult> endCopy() {
    if (results != null) {
      return results;
    }
    if (connection.copyClientOpen()) {
      connection.sendCopyDone();
    }
    while (read().isPresent()) {
      // data the server sent before it saw our CopyDone
    }
    return results;
  }

  /**
   * The results the command sent after the copy.
   *
   * @throws IllegalStateException if the copy has not ended
   */
  public List<QueryResult> results() {
    if (results == null) {
      throw new IllegalStateException("the COPY has not ended yet");
    }
    return results;
  }

  /**
   * Ends the copy as {@link #endCopy()} does if it is still running; does nothing after the end or
   * after an error (which already ended it).
   */
  @Override
  public void close() {
    if (results == null && connection.inCopy()) {
      endCopy();
    }
  }
}
