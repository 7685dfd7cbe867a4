package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Message framing on the read side: messages come out whole whatever pieces the socket delivers
 * them in, large bodies are read straight into their array, the socket is never asked how much is
 * available, and waiting for a message consumes nothing.
 */
class ProtocolStreamTest {
  private static byte[] message(char type, byte[] body) {
    return ByteBuffer.allocate(5 + body.length)
        .put((byte) type)
        .putInt(4 + body.length)
        .put(body)
        .array();
  }

  private static byte[] body(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  /** A socket stream that hands out at most the next piece size per read, in turn. */
  private static final class PiecewiseSocket extends InputStream {
    private final byte[] data;
    private final int[] pieces;
    private int pos;
    private int piece;
    int availableCalls;
    final List<Integer> readLengths = new ArrayList<>();
    int timeoutsLeft;

    PiecewiseSocket(byte[] data, int... pieces) {
      this.data = data;
      this.pieces = pieces;
    }

    @Override
    public int read() {
      throw new AssertionError("single-byte reads from the socket");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (timeoutsLeft > 0) {
        timeoutsLeft--;
        throw new SocketTimeoutException("Read timed out");
      }
      readLengths.add(len);
      if (pos == data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, pieces[piece++ % pieces.length]), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      availableCalls++;
      return data.length - pos;
    }
  }

  private static ProtocolStream stream(InputStream in) {
    OutputStream out = new ByteArrayOutputStream();
    return new ProtocolStream(in, out, "test:5432");
  }

  @Test
  void messagesComeOutWholeWhateverPiecesTheSocketDeliversAndTheSocketIsNeverProbed() {
    byte[] small = body(1);
    byte[] justUnderBuffer = body(64 * 1024 - 1);
    byte[] large = body(300 * 1024);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(message('Z', small));
    wire.writeBytes(message('d', large));
    wire.writeBytes(message('d', justUnderBuffer));
    wire.writeBytes(message('C', new byte[0]));
    for (int[] pieces : new int[][] {{1}, {3, 7, 5}, {65536}, {1 << 20}, {4, 100_000, 9}}) {
      PiecewiseSocket socket = new PiecewiseSocket(wire.toByteArray(), pieces);
      ProtocolStream s = stream(socket);

      for (byte[] expected : new byte[][] {small, large, justUnderBuffer, new byte[0]}) {
        BackendMessage m = s.read();
        assertThat(m.bodyArray()).as("pieces %s", pieces.length).isEqualTo(expected);
      }
      assertThat(socket.availableCalls).isZero();
    }
  }

  @Test
  void theBulkOfALargeBodyIsReadStraightIntoItsArray() {
    byte[] large = body(1 << 20);
    PiecewiseSocket socket = new PiecewiseSocket(message('d', large), 1 << 20);

    assertThat(stream(socket).read().bodyArray()).isEqualTo(large);
    // the first read fills the 64 KiB buffer (header and the start of the body); the rest of the
    // body is asked for in one read into the body's own array
    assertThat(socket.readLengths).containsExactly(64 * 1024, (1 << 20) - (64 * 1024 - 5));
  }

  @Test
  void waitingForAMessageConsumesNothingAndATimeoutLeavesTheStreamIntact() {
    byte[] body = body(100);
    PiecewiseSocket socket = new PiecewiseSocket(message('d', body), 2, 1000);
    socket.timeoutsLeft = 1;
    ProtocolStream s = stream(socket);
    List<Duration> timeouts = new ArrayList<>();

    assertThat(s.awaitReadable(Duration.ofMillis(5), timeouts::add)).isFalse();
    assertThat(s.isBroken()).isFalse();
    assertThat(s.awaitReadable(Duration.ofMillis(5), timeouts::add)).isTrue();
    assertThat(s.awaitReadable(Duration.ZERO, timeouts::add)).isTrue(); // already buffered
    assertThat(s.read().bodyArray()).isEqualTo(body);
    assertThat(timeouts).containsExactly(Duration.ofMillis(5), Duration.ofMillis(5));
  }

  @Test
  void aWaitShorterThanAMillisecondNeverBecomesAWaitWithoutTimeout() {
    // Socket timeouts count whole milliseconds and 0 means forever.
    PiecewiseSocket socket = new PiecewiseSocket(new byte[0], 1);
    socket.timeoutsLeft = 3;
    ProtocolStream s = stream(socket);
    List<Duration> timeouts = new ArrayList<>();

    for (Duration d :
        new Duration[] {Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(999_999)}) {
      assertThat(s.awaitReadable(d, timeouts::add)).isFalse();
    }
    assertThat(timeouts).allSatisfy(t -> assertThat(t.toMillis()).isGreaterThanOrEqualTo(1));
  }

  @Test
  void aConnectionThatEndsInsideABodyIsLostNotAShortMessage() {
    byte[] wire = message('d', body(200 * 1024));
    byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 10);
    ProtocolStream s = stream(new PiecewiseSocket(cut, 70_000));

    assertThatThrownBy(s::read)
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("test:5432");
    assertThat(s.isBroken()).isTrue();
  }
}
