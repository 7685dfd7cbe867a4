package org.pghardstorage.core.pg;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Message framing over a byte stream: reads {@code type, int32 length, body} messages and writes
 * encoded frontend messages. Any I/O failure marks the stream broken, because a partial read leaves
 * us mid-message with no way to find the next boundary.
 */
final class ProtocolStream {
  /** PostgreSQL never sends a message over 1 GiB (MaxAllocSize); larger means corrupt framing. */
  static final int MAX_MESSAGE_LENGTH = 0x3FFFFFFF;

  private final DataInputStream in;
  private final OutputStream out;
  private final String peer;
  private volatile boolean broken;

  ProtocolStream(InputStream in, OutputStream out, String peer) {
    this.in = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
    this.out = new BufferedOutputStream(out, 16 * 1024);
    this.peer = peer;
  }

  String peer() {
    return peer;
  }

  boolean isBroken() {
    return broken;
  }

  void markBroken() {
    broken = true;
  }

  /**
   * Whether a message starts within {@code limit}: waits for its first byte without consuming it. A
   * timeout here leaves the stream intact (nothing was consumed), unlike a timeout inside {@link
   * #read()}. {@code setTimeout} applies the socket timeout for the wait; the caller restores it.
   */
  boolean awaitReadable(
      java.time.Duration limit, java.util.function.Consumer<java.time.Duration> setTimeout) {
    try {
      if (in.available() > 0) {
        return true;
      }
      setTimeout.accept(limit.isZero() ? java.time.Duration.ofMillis(1) : limit);
      in.mark(1);
      int first = in.read();
      if (first < 0) {
        throw new EOFException("server closed the connection");
      }
      in.reset();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      throw failure(e, "reading from");
    }
  }

  /** Reads the next message, whatever its type. */
  BackendMessage read() {
    try {
      int type = in.read();
      if (type < 0) {
        throw new EOFException("server closed the connection");
      }
      int length = in.readInt();
      if (length < 4 || length > MAX_MESSAGE_LENGTH) {
        broken = true;
        throw PgErrors.protocol(
            peer,
            "invalid length " + length + " for message " + BackendMessage.describe((byte) type));
      }
      byte[] body = new byte[length - 4];
      in.readFully(body);
      return new BackendMessage((byte) type, body);
    } catch (IOException e) {
      throw failure(e, "reading from");
    }
  }

  /** Writes and flushes one or more encoded messages. */
  void send(byte[]... messages) {
    try {
      for (byte[] m : messages) {
        out.write(m);
      }
      out.flush();
    } catch (IOException e) {
      throw failure(e, "writing to");
    }
  }

  /** Writes without flushing; pair with {@link #flush()}. */
  void write(byte[] message) {
    try {
      out.write(message);
    } catch (IOException e) {
      throw failure(e, "writing to");
    }
  }

  void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw failure(e, "writing to");
    }
  }

  private HardstorageException failure(IOException e, String doing) {
    broken = true;
    if (e instanceof SocketTimeoutException) {
      return PgErrors.timeout(peer, doing, e);
    }
    return PgErrors.connectionLost(peer, e);
  }
}
