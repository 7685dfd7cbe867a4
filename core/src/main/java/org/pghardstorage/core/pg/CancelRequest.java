package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Sends a CancelRequest on a fresh, unencrypted connection, as libpq's PQcancel does: the server
 * handles it before any authentication or TLS, matching only the backend PID and secret key.
 */
final class CancelRequest {
  /** How long to wait for the server to process the request when no connect timeout is set. */
  private static final int DEFAULT_WAIT_MILLIS = 30_000;

  private CancelRequest() {}

  static void send(
      InetSocketAddress address, Duration connectTimeout, int pid, byte[] key, String peer) {
    byte[] request = FrontendMessages.cancelRequest(pid, key);
    try (Socket socket = new Socket()) {
      int timeout = (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE);
      socket.connect(address, timeout);
      socket.setSoTimeout(timeout == 0 ? DEFAULT_WAIT_MILLIS : timeout);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // the server sends nothing; reading to EOF waits until it has processed the request
      }
    } catch (IOException e) {
      throw PgErrors.unreachable(peer, "cancel request failed: " + e.getMessage(), e);
    }
  }
}
