package org.pghardstorage.core.pg;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.util.TlsServerEndpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.pghardstorage.core.error.HardstorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The startup phase: StartupMessage, the authentication exchange the server picks, then
 * BackendKeyData, ParameterStatus and ReadyForQuery. Supports cleartext, MD5 and SCRAM-SHA-256
 * (SCRAM-SHA-256-PLUS with {@code tls-server-end-point} channel binding when TLS is on and the
 * server offers it). The password is fetched only when the server asks for one.
 */
final class StartupHandshake {
  private static final Logger LOG = LoggerFactory.getLogger(StartupHandshake.class);

  /** Supplies the password when the server asks; empty means we have none. */
  @FunctionalInterface
  interface PasswordSource {
    Optional<String> password();
  }

  /** What the startup phase tells us. */
  record Result(int backendPid, byte[] cancelKey, String authenticationMethod) {}

  private static final int AUTH_OK = 0;
  private static final int AUTH_CLEARTEXT = 3;
  private static final int AUTH_MD5 = 5;
  private static final int AUTH_SASL = 10;
  private static final int AUTH_SASL_CONTINUE = 11;
  private static final int AUTH_SASL_FINAL = 12;

  private final MessagePump pump;
  private final Optional<SSLSession> tls;
  private final String user;
  private final PasswordSource passwords;
  private ScramClient scram;
  private boolean scramVerified;
  private String method = "trust";

  StartupHandshake(
      MessagePump pump, Optional<SSLSession> tls, String user, PasswordSource passwords) {
    this.pump = pump;
    this.tls = tls;
    this.user = user;
    this.passwords = passwords;
  }

  Result run(Map<String, String> parameters) {
    pump.io().send(FrontendMessages.startup(parameters));
    int pid = 0;
    byte[] key = new byte[0];
    while (true) {
      BackendMessage m = pump.next();
      switch (m.type()) {
        case BackendMessage.AUTHENTICATION -> authenticate(m);
        case BackendMessage.BACKEND_KEY_DATA -> {
          pid = pump.decode(m::int32);
          key = pump.decode(() -> m.bytes(m.remaining()));
        }
        case BackendMessage.NEGOTIATE_PROTOCOL_VERSION ->
            LOG.debug(
                "server {} negotiated the protocol version down; we only use 3.0 features",
                pump.io().peer());
        case BackendMessage.READY_FOR_QUERY -> {
          pump.readyForQuery(m);
          return new Result(pid, key, method);
        }
        case BackendMessage.ERROR_RESPONSE -> throw pump.serverError(m);
        default -> throw pump.unexpected(m, "during startup");
      }
    }
  }

  private void authenticate(BackendMessage m) {
    int code = pump.decode(m::int32);
    switch (code) {
      case AUTH_OK -> {
        if (scram != null && !scramVerified) {
          // A server that skips SASLFinal never proved it knows the password: a MITM symptom.
          throw pump.protocolError("server skipped the SCRAM server signature");
        }
      }
      case AUTH_CLEARTEXT -> {
        method = "password";
        pump.io().send(FrontendMessages.password(password().getBytes(StandardCharsets.UTF_8)));
      }
      case AUTH_MD5 -> {
        method = "md5";
        byte[] salt = pump.decode(() -> m.bytes(4));
        pump.io().send(FrontendMessages.password(md5(password(), user, salt)));
      }
      case AUTH_SASL -> startScram(m);
      case AUTH_SASL_CONTINUE -> continueScram(m);
      case AUTH_SASL_FINAL -> finishScram(m);
      default ->
          throw PgErrors.auth(
              "pg.auth_unsupported",
              "the server at "
                  + pump.io().peer()
                  + " asked for authentication method "
                  + code
                  + " (GSSAPI/SSPI/Kerberos), which pg_hardstorage does not support",
              "use scram-sha-256, md5 or password in pg_hba.conf for this role");
    }
  }

  private String password() {
    return passwords
        .password()
        .orElseThrow(
            () ->
                PgErrors.auth(
                    "pg.password_missing",
                    "the server at "
                        + pump.io().peer()
                        + " requires a password for role \""
                        + user
                        + "\" but none was given",
                    "set it in the connection string (password=...), in PGPASSWORD, or in"
                        + " ~/.pgpass (hostname:port:database:username:password, mode 0600)"));
  }

  static byte[] md5(String password, String user, byte[] salt) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(password.getBytes(StandardCharsets.UTF_8));
      md.update(user.getBytes(StandardCharsets.UTF_8));
      String inner = HexFormat.of().formatHex(md.digest());
      md.update(inner.getBytes(StandardCharsets.US_ASCII));
      md.update(salt);
      return ("md5" + HexFormat.of().formatHex(md.digest())).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  private void startScram(BackendMessage m) {
    List<String> mechanisms = new ArrayList<>();
    pump.decode(
        () -> {
          for (String mech = m.cstring(); !mech.isEmpty(); mech = m.cstring()) {
            mechanisms.add(mech);
          }
          return null;
        });
    if (!mechanisms.contains("SCRAM-SHA-256") && !mechanisms.contains("SCRAM-SHA-256-PLUS")) {
      throw PgErrors.auth(
          "pg.auth_unsupported",
          "the server at "
              + pump.io().peer()
              + " offers SASL mechanisms "
              + mechanisms
              + " but none we support (SCRAM-SHA-256)",
          "use scram-sha-256 in pg_hba.conf");
    }
    var builder =
        ScramClient.builder()
            .advertisedMechanisms(mechanisms)
            // PostgreSQL takes the role from the startup packet and ignores this name.
            .username("*")
            .password(password().toCharArray())
            .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION);
    Optional<byte[]> binding = channelBindingData();
    binding.ifPresent(data -> builder.channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT, data));
    scram = builder.build();
    String mechanism = scram.getScramMechanism().getName();
    method = mechanism;
    LOG.debug("authenticating to {} with {}", pump.io().peer(), mechanism);
    pump.io()
        .send(
            FrontendMessages.saslInitialResponse(
                mechanism, scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8)));
  }

  private Optional<byte[]> channelBindingData() {
    if (tls.isEmpty()) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = tls.get().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate cert) {
        return Optional.of(TlsServerEndpoint.getChannelBindingData(cert));
      }
    } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
      // Channel binding is an extra protection; without a usable certificate we fall back to
      // plain SCRAM, as libpq's default channel_binding=prefer does.
      LOG.debug("no channel binding with {}: {}", pump.io().peer(), e.toString());
    }
    return Optional.empty();
  }

  private void continueScram(BackendMessage m) {
    requireScram();
    String serverFirst = new String(m.bytes(m.remaining()), StandardCharsets.UTF_8);
    try {
      scram.serverFirstMessage(serverFirst);
    } catch (ScramException e) {
      throw scramFailure(e);
    }
    pump.io()
        .send(
            FrontendMessages.saslResponse(
                scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8)));
  }

  private void finishScram(BackendMessage m) {
    requireScram();
    String serverFinal = new String(m.bytes(m.remaining()), StandardCharsets.UTF_8);
    try {
      scram.serverFinalMessage(serverFinal);
      scramVerified = true;
    } catch (ScramException e) {
      throw scramFailure(e);
    }
  }

  private void requireScram() {
    if (scram == null) {
      throw pump.protocolError("SASL continuation without SASL start");
    }
  }

  private HardstorageException scramFailure(ScramException e) {
    pump.io().markBroken();
    return new HardstorageException(
        "pg.auth_failed",
        org.pghardstorage.core.error.ExitCode.AUTHENTICATION,
        "SCRAM authentication with " + pump.io().peer() + " failed: " + e.getMessage(),
        "the server could not prove it knows the password; check that you reach the right server",
        e);
  }
}
