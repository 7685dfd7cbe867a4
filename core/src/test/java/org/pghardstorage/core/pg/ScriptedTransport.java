package org.pghardstorage.core.pg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A transport that replays scripted backend bytes and records what the client sends. */
final class ScriptedTransport implements Transport {
  private final InputStream in;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  boolean closed;

  ScriptedTransport(byte[] script) {
    this.in = new ByteArrayInputStream(script);
  }

  /** A connection over {@code script}, with startup already run when the script begins with it. */
  static PgConnection connect(Backend script, ReplicationMode mode) {
    return connect(script, mode, StartupHandshake.Policy.DEFAULT);
  }

  /** As {@link #connect(Backend, ReplicationMode)}, authenticating under {@code policy}. */
  static PgConnection connect(
      Backend script, ReplicationMode mode, StartupHandshake.Policy policy) {
    ScriptedTransport t = new ScriptedTransport(script.bytes());
    PgConnection c =
        new PgConnection(
            t,
            new Endpoint("db.test", Optional.empty(), 5432),
            Optional.empty(),
            Duration.ZERO,
            "backup",
            mode);
    c.startup(java.util.Map.of("user", "backup"), () -> Optional.of("pw"), policy);
    return c;
  }

  static ScriptedTransport of(PgConnection c) {
    try {
      var f = PgConnection.class.getDeclaredField("transport");
      f.setAccessible(true);
      return (ScriptedTransport) f.get(c);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The frontend messages sent so far, split by type (the startup packet has type 0). */
  List<Sent> messages() {
    return split(sent.toByteArray());
  }

  /** Splits a client's bytes into messages; the first, the startup packet, has no type byte. */
  static List<Sent> split(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    List<Sent> result = new ArrayList<>();
    while (b.hasRemaining()) {
      char type = result.isEmpty() ? 0 : (char) b.get();
      int len = b.getInt();
      byte[] body = new byte[len - 4];
      b.get(body);
      result.add(new Sent(type, body));
    }
    return result;
  }

  record Sent(char type, byte[] body) {}

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return sent;
  }

  @Override
  public void setReadTimeout(Duration timeout) {}

  @Override
  public Optional<SSLSession> tlsSession() {
    return Optional.empty();
  }

  @Override
  public void close() {
    closed = true;
  }
}
