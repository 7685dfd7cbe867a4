package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The byte pipe under a connection: a plain or TLS socket, or scripted streams in tests. Kept
 * behind an interface so protocol code never depends on how bytes travel.
 */
interface Transport extends AutoCloseable {
  InputStream input();

  OutputStream output();

  /** Sets the read timeout; {@link Duration#ZERO} waits forever. */
  void setReadTimeout(Duration timeout);

  /** The TLS session, if the transport is encrypted. */
  Optional<SSLSession> tlsSession();

  /** Closes the pipe; never throws. */
  @Override
  void close();

  /** A transport over a connected socket (plain or {@link SSLSocket}). */
  static Transport of(Socket socket, String peer) {
    return new SocketTransport(socket, peer);
  }

  /** The socket implementation. */
  final class SocketTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);
    private final Socket socket;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;

    SocketTransport(Socket socket, String peer) {
      this.socket = socket;
      this.peer = peer;
      try {
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
      } catch (IOException e) {
        throw PgErrors.connectionLost(peer, e);
      }
    }

    @Override
    public InputStream input() {
      return in;
    }

    @Override
    public OutputStream output() {
      return out;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
      try {
        // SO_TIMEOUT counts whole milliseconds and 0 means forever: round a positive wait up.
        long millis = timeout.isZero() ? 0 : Math.max(1, timeout.toMillis());
        socket.setSoTimeout(Math.toIntExact(Math.min(millis, Integer.MAX_VALUE)));
      } catch (SocketException e) {
        throw PgErrors.connectionLost(peer, e);
      }
    }

    @Override
    public Optional<SSLSession> tlsSession() {
      return socket instanceof SSLSocket s ? Optional.of(s.getSession()) : Optional.empty();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // Nothing useful can be done about a failing close; the socket is gone either way.
        LOG.debug("closing socket to {} failed: {}", peer, e.toString());
      }
    }
  }
}
