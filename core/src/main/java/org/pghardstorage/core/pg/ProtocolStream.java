package org.pghardstorage.core.pg;

import java.io.BufferedOutputStream;
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

  /** The shortest wait {@link #awaitReadable} asks of the socket. */
  static final java.time.Duration MIN_WAIT = java.time.Duration.ofMillis(1);

  private final MessageInput in;
  private final OutputStream out;
  private final String peer;
  private volatile boolean broken;

  ProtocolStream(InputStream in, OutputStream out, String peer) {
    this.in = new MessageInput(in);
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
      if (in.buffered() > 0) {
        return true;
      }
      // A socket timeout counts whole milliseconds and 0 means forever: a wait of less than a
      // millisecond (a flush due in 300 µs) became a read with no timeout at all, which held the
      // WAL receiver until the server's next message, up to its keepalive 30 s later (JFR).
      setTimeout.accept(limit.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : limit);
      // What arrives stays in the buffer for read(): nothing is consumed.
      in.fill();
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
      int type = in.readByte();
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

  /**
   * The read side: a buffer over the socket from which message headers are taken, while the bulk of
   * a large body is read straight into its array. Unlike {@code BufferedInputStream} it never asks
   * the socket how much is available (an ioctl per read) and copies a body once, not twice: about a
   * third of the receiving thread's samples went there while reading a base backup.
   */
  private static final class MessageInput {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    MessageInput(InputStream in) {
      this.in = in;
    }

    int buffered() {
      return limit - pos;
    }

    /** Reads what the socket has (at least one byte) into the empty buffer. */
    void fill() throws IOException {
      if (pos < limit) {
        return;
      }
      pos = 0;
      limit = 0;
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        throw new EOFException("server closed the connection");
      }
      limit = n;
    }

    int readByte() throws IOException {
      fill();
      return buf[pos++] & 0xFF;
    }

    int readInt() throws IOException {
      if (buffered() >= 4) {
        int v =
            (buf[pos] & 0xFF) << 24
                | (buf[pos + 1] & 0xFF) << 16
                | (buf[pos + 2] & 0xFF) << 8
                | buf[pos + 3] & 0xFF;
        pos += 4;
        return v;
      }
      return readByte() << 24 | readByte() << 16 | readByte() << 8 | readByte();
    }

    void readFully(byte[] b) throws IOException {
      int off = Math.min(buffered(), b.length);
      System.arraycopy(buf, pos, b, 0, off);
      pos += off;
      while (off < b.length) {
        int rest = b.length - off;
        if (rest >= buf.length) {
          int n = in.read(b, off, rest);
          if (n < 0) {
            throw new EOFException("server closed the connection");
          }
          off += n;
        } else {
          fill();
          int n = Math.min(buffered(), rest);
          System.arraycopy(buf, pos, b, off, n);
          pos += n;
          off += n;
        }
      }
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
