package org.pghardstorage.core.pg;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The data of a COPY OUT, pulled one CopyData message at a time so nothing is buffered beyond one
 * message. After the server's CopyDone the stream reads the statement's remaining results up to
 * ReadyForQuery, available from {@link #results()}.
 *
 * <p>Errors the server reports mid-copy surface as {@link PgServerException} from {@link #next()}
 * (or from the {@link InputStream} view's {@code read}).
 */
public final class CopyOutStream implements AutoCloseable {
  private final PgConnection connection;
  private List<QueryResult> results;

  CopyOutStream(PgConnection connection) {
    this.connection = connection;
  }

  /**
   * The next CopyData payload, or empty once the copy has ended (after which {@link #results()} is
   * available). The array belongs to the caller.
   */
  public Optional<byte[]> next() {
    if (results != null) {
      return Optional.empty();
    }
    Optional<byte[]> data = connection.readCopyData();
    if (data.isEmpty()) {
      results = connection.finishQuery();
    }
    return data;
  }

  /** Whether the copy has ended and the connection is idle again. */
  public boolean isFinished() {
    return results != null;
  }

  /**
   * The results the statement sent after the copy data.
   *
   * @throws IllegalStateException if the copy has not ended yet
   */
  public List<QueryResult> results() {
    if (results == null) {
      throw new IllegalStateException("the COPY has not ended yet; read until next() is empty");
    }
    return results;
  }

  /** The remaining copy data as one byte stream. Reading it to EOF ends the copy. */
  public InputStream asInputStream() {
    return CopyDataInputStream.ofArrays(this::next);
  }

  /**
   * Stops early if the copy has not ended: sends a CancelRequest and discards data up to
   * ReadyForQuery, leaving the connection usable. Does nothing after the end.
   */
  @Override
  public void close() {
    if (results != null || !connection.inCopy()) {
      return; // finished, or an error already ended the copy
    }
    connection.cancel();
    try {
      while (next().isPresent()) {
        // discarding data the server sent before it saw the cancel
      }
    } catch (PgServerException e) {
      if (!e.sqlState().equals("57014")) {
        throw e;
      }
      results = List.of();
    } catch (HardstorageException e) {
      connection.abandon();
      throw e;
    }
  }
}
