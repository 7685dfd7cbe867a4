package org.pghardstorage.core.pg;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.util.TlsServerEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A FAKE PostgreSQL server for the authentication exchange, answering what the client actually
 * sends: it asks for one authentication method and, for SCRAM, runs the server side of RFC 5802 /
 * RFC 5929 (nonces, salted password, server signature, the {@code tls-server-end-point} binding of
 * a fixed certificate). The transport can pose as TLS: its session presents that certificate. Real
 * servers are tested in {@link AbstractConnectionIT}; this fake reaches the combinations a real
 * server will not produce on demand (a forged server, a stripped TLS, a missing signature).
 */
final class FakeAuthServer implements Transport {
  /** What the server asks for after the startup packet. */
  enum Ask {
    /** AuthenticationOk at once (trust, cert). */
    NOTHING,
    /** AuthenticationCleartextPassword. */
    PASSWORD,
    /** AuthenticationMD5Password. */
    MD5,
    /** AuthenticationGSS. */
    GSS,
    /** AuthenticationSASL offering SCRAM-SHA-256 (and SCRAM-SHA-256-PLUS over TLS). */
    SCRAM,
    /** AuthenticationSASL offering SCRAM-SHA-256 only, even over TLS. */
    SCRAM_WITHOUT_PLUS,
    /** AuthenticationSASL offering SCRAM-SHA-256-PLUS although the transport is plain. */
    SCRAM_PLUS_WITHOUT_TLS,
    /** SCRAM whose final message carries a wrong signature: a server without the password. */
    SCRAM_FORGED_SIGNATURE
  }

  static final String PASSWORD = "pw";
  private static final byte[] SALT = "fake-salt-16byte".getBytes(StandardCharsets.US_ASCII);
  private static final int ITERATIONS = 4096;
  private static final X509Certificate CERTIFICATE = certificate();

  private final Ask ask;
  private final boolean tls;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private int answered;
  private byte[] buffer = new byte[0];
  private int position;
  private String clientFirstBare;
  private String gs2Header;
  private String serverFirst;
  private String mechanism;

  FakeAuthServer(Ask ask, boolean tls) {
    this.ask = ask;
    this.tls = tls;
  }

  /** A connection with startup run against this fake under {@code policy}. */
  PgConnection connect(StartupHandshake.Policy policy) {
    PgConnection c =
        new PgConnection(
            this,
            new Endpoint("db.test", Optional.empty(), 5432),
            Optional.empty(),
            Duration.ZERO,
            "backup",
            ReplicationMode.NONE);
    c.startup(Map.of("user", "backup"), () -> Optional.of(PASSWORD), policy);
    return c;
  }

  /** The messages the client sent, the startup packet first (type 0). */
  List<ScriptedTransport.Sent> received() {
    return ScriptedTransport.split(sent.toByteArray());
  }

  /** The SASL mechanism the client chose, if it started SASL. */
  Optional<String> mechanism() {
    return Optional.ofNullable(mechanism);
  }

  /**
   * The GS2 header of the client's first SCRAM message ({@code n,,}, {@code y,,}, {@code p=...}).
   */
  Optional<String> gs2Header() {
    return Optional.ofNullable(gs2Header);
  }

  @Override
  public InputStream input() {
    return new InputStream() {
      @Override
      public int read() {
        if (position == buffer.length) {
          respond();
          if (position == buffer.length) {
            return -1;
          }
        }
        return buffer[position++] & 0xff;
      }
    };
  }

  @Override
  public OutputStream output() {
    return sent;
  }

  @Override
  public void setReadTimeout(Duration timeout) {}

  @Override
  public Optional<SSLSession> tlsSession() {
    if (!tls) {
      return Optional.empty();
    }
    return Optional.of(
        (SSLSession)
            Proxy.newProxyInstance(
                SSLSession.class.getClassLoader(),
                new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getPeerCertificates")) {
                    return new Certificate[] {CERTIFICATE};
                  }
                  throw new UnsupportedOperationException("fake TLS session: " + method.getName());
                }));
  }

  @Override
  public void close() {}

  /** Reads what the client sent since the last answer and queues the next answer. */
  private void respond() {
    // the client writes whole messages before it reads, so what was sent splits cleanly
    List<ScriptedTransport.Sent> received = received();
    for (ScriptedTransport.Sent m : received.subList(answered, received.size())) {
      answer(m);
    }
    answered = received.size();
    buffer = pending.toByteArray();
    position = 0;
    pending.reset();
  }

  private void answer(ScriptedTransport.Sent m) {
    if (m.type() == 0) {
      Backend b = Backend.script();
      switch (ask) {
        case NOTHING -> b.startup();
        case PASSWORD -> b.auth(3, new byte[0]);
        case MD5 -> b.auth(5, new byte[] {1, 2, 3, 4});
        case GSS -> b.auth(7, new byte[0]);
        case SCRAM, SCRAM_FORGED_SIGNATURE ->
            b.auth(
                10,
                tls
                    ? Backend.cstrings("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "")
                    : Backend.cstrings("SCRAM-SHA-256", ""));
        case SCRAM_WITHOUT_PLUS -> b.auth(10, Backend.cstrings("SCRAM-SHA-256", ""));
        case SCRAM_PLUS_WITHOUT_TLS ->
            b.auth(10, Backend.cstrings("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", ""));
      }
      pending.writeBytes(b.bytes());
    } else if (m.type() == 'p' && mechanism == null && isSaslAsk()) {
      saslInitial(m.body());
    } else if (m.type() == 'p' && mechanism != null) {
      saslFinal(new String(m.body(), StandardCharsets.UTF_8));
    } else if (m.type() == 'p') {
      pending.writeBytes(Backend.script().startup().bytes());
    }
  }

  private boolean isSaslAsk() {
    return ask.name().startsWith("SCRAM");
  }

  private void saslInitial(byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body);
    int nul = 0;
    while (body[nul] != 0) {
      nul++;
    }
    mechanism = new String(body, 0, nul, StandardCharsets.UTF_8);
    b.position(nul + 1);
    byte[] data = new byte[b.getInt()];
    b.get(data);
    String clientFirst = new String(data, StandardCharsets.UTF_8);
    int bare = clientFirst.indexOf(',', clientFirst.indexOf(',') + 1) + 1;
    gs2Header = clientFirst.substring(0, bare);
    clientFirstBare = clientFirst.substring(bare);
    String clientNonce = attribute(clientFirstBare, 'r');
    serverFirst =
        "r="
            + clientNonce
            + "fakeservernonce,s="
            + Base64.getEncoder().encodeToString(SALT)
            + ",i="
            + ITERATIONS;
    pending.writeBytes(
        Backend.script().auth(11, serverFirst.getBytes(StandardCharsets.UTF_8)).bytes());
  }

  private void saslFinal(String clientFinal) {
    byte[] cbindInput = gs2Header.getBytes(StandardCharsets.US_ASCII);
    if (gs2Header.startsWith("p=")) {
      cbindInput = Backend.concat(cbindInput, bindingData());
    }
    String expectedBinding = Base64.getEncoder().encodeToString(cbindInput);
    if (!attribute(clientFinal, 'c').equals(expectedBinding)) {
      pending.writeBytes(
          Backend.script().error("FATAL", "28000", "SCRAM channel binding check failed").bytes());
      return;
    }
    String withoutProof = clientFinal.substring(0, clientFinal.indexOf(",p="));
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    ScramMechanism mech = ScramMechanism.byName(mechanism);
    byte[] salted =
        ScramFunctions.saltedPassword(
            mech,
            StringPreparation.POSTGRESQL_PREPARATION,
            PASSWORD.toCharArray(),
            SALT,
            ITERATIONS);
    byte[] signature =
        ScramFunctions.serverSignature(mech, ScramFunctions.serverKey(mech, salted), authMessage);
    if (ask == Ask.SCRAM_FORGED_SIGNATURE) {
      signature = Arrays.copyOf(signature, signature.length);
      signature[0] ^= 1;
    }
    String serverFinal = "v=" + Base64.getEncoder().encodeToString(signature);
    pending.writeBytes(
        Backend.script().auth(12, serverFinal.getBytes(StandardCharsets.UTF_8)).startup().bytes());
  }

  /** The {@code tls-server-end-point} data of the fake's certificate. */
  static byte[] bindingData() {
    try {
      return TlsServerEndpoint.getChannelBindingData(CERTIFICATE);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw new AssertionError("no " + name + "= in " + message);
  }

  private static X509Certificate certificate() {
    try (InputStream in = FakeAuthServer.class.getResourceAsStream("channel-binding-server.crt")) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new AssertionError(e);
    }
  }
}
