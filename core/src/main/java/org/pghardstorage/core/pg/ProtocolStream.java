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

  /**
   * Bytes of a CopyData body that {@link #beginCopyData} left on the wire for {@link #readBody}.
   */
  private int bodyLeft;

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
    requireNoBodyLeft();
    try {
      int type = in.readByte();
      byte[] body = new byte[bodyLength(type, in.readInt())];
      in.readFully(body, 0, body.length);
      return new BackendMessage((byte) type, body);
    } catch (IOException e) {
      throw failure(e, "reading from");
    }
  }

  /**
   * If the next message is a CopyData, consumes its type and length and returns the length of its
   * body, which stays on the wire for {@link #readBody}: a base backup's archive bytes then go from
   * the socket's buffer straight into the reader's array, instead of into a fresh (zeroed) array
   * per message first. Otherwise consumes nothing and returns -1. Waits for the next message.
   */
  int beginCopyData() {
    requireNoBodyLeft();
    try {
      if (in.peekByte() != BackendMessage.COPY_DATA) {
        return -1;
      }
      int type = in.readByte();
      bodyLeft = bodyLength(type, in.readInt());
      return bodyLeft;
    } catch (IOException e) {
      throw failure(e, "reading from");
    }
  }

  /**
   * Reads at least one and at most {@code len} bytes of the body {@link #beginCopyData} left on the
   * wire; 0 when none is left.
   */
  int readBody(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (bodyLeft == 0 || len == 0) {
      return 0;
    }
    try {
      int n = in.readSome(b, off, Math.min(len, bodyLeft));
      bodyLeft -= n;
      return n;
    } catch (IOException e) {
      throw failure(e, "reading from");
    }
  }

  /** Bytes of the current CopyData body not yet read with {@link #readBody}. */
  int bodyLeft() {
    return bodyLeft;
  }

  private int bodyLength(int type, int length) {
    if (length < 4 || length > MAX_MESSAGE_LENGTH) {
      broken = true;
      throw PgErrors.protocol(
          peer,
          "invalid length " + length + " for message " + BackendMessage.describe((byte) type));
    }
    return length - 4;
  }

  private void requireNoBodyLeft() {
    if (bodyLeft != 0) {
      throw new IllegalStateException(
          bodyLeft + " bytes of a CopyData body are still unread on the connection to " + peer);
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
    /**
     * Reads of at least this many bytes bypass the buffer when it is empty: one copy fewer, at the
     * price of a system call that cannot also bring in the next message's header.
     */
    private static final int DIRECT_READ = 16 * 1024;

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

    /** The next byte, left in the buffer. */
    int peekByte() throws IOException {
      fill();
      return buf[pos];
    }

    void readFully(byte[] b, int off, int len) throws IOException {
      int done = 0;
      while (done < len) {
        done += readSome(b, off + done, len - done);
      }
    }

    /**
     * Reads at least one and at most {@code len} bytes: what the buffer holds, else straight from
     * the socket into {@code b} when that is a large read, else through the buffer.
     */
    int readSome(byte[] b, int off, int len) throws IOException {
      if (buffered() == 0 && len >= DIRECT_READ) {
        int n = in.read(b, off, len);
        if (n < 0) {
          throw new EOFException("server closed the connection");
        }
        return n;
      }
      fill();
      int n = Math.min(buffered(), len);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
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
