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
 * server offers it). The password is fetched only when the server asks for one, and only after
 * {@code require_auth} and {@code channel_binding} allow what the server asked for: a refused
 * request is answered with nothing.
 */
final class StartupHandshake {
  private static final Logger LOG = LoggerFactory.getLogger(StartupHandshake.class);

  /** Supplies the password when the server asks; empty means we have none. */
  @FunctionalInterface
  interface PasswordSource {
    Optional<String> password();
  }

  /**
   * What the server may ask of us.
   *
   * @param requireAuth the methods it may use
   * @param channelBinding whether SCRAM must be bound to the TLS session
   */
  record Policy(RequireAuth requireAuth, ChannelBinding channelBinding) {
    /** The policy of a connection string that sets neither keyword. */
    static final Policy DEFAULT = new Policy(RequireAuth.DEFAULT, ChannelBinding.PREFER);

    /** The policy {@code info} asks for. */
    static Policy of(ConnInfo info) {
      return new Policy(info.requireAuth(), info.channelBinding());
    }
  }

  /** What the startup phase tells us. */
  record Result(int backendPid, byte[] cancelKey, String authenticationMethod) {}

  private static final int AUTH_OK = 0;
  private static final int AUTH_CLEARTEXT = 3;
  private static final int AUTH_MD5 = 5;
  private static final int AUTH_GSS = 7;
  private static final int AUTH_GSS_CONTINUE = 8;
  private static final int AUTH_SSPI = 9;
  private static final int AUTH_SASL = 10;
  private static final int AUTH_SASL_CONTINUE = 11;
  private static final int AUTH_SASL_FINAL = 12;
  private static final String SCRAM_PLUS = "SCRAM-SHA-256-PLUS";

  private final MessagePump pump;
  private final Optional<SSLSession> tls;
  private final String user;
  private final PasswordSource passwords;
  private final Policy policy;
  private ScramClient scram;
  private boolean scramVerified;
  private boolean credentialsSent;
  private String method = "trust";

  StartupHandshake(
      MessagePump pump,
      Optional<SSLSession> tls,
      String user,
      PasswordSource passwords,
      Policy policy) {
    this.pump = pump;
    this.tls = tls;
    this.user = user;
    this.passwords = passwords;
    this.policy = policy;
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
      case AUTH_OK -> authenticated();
      case AUTH_SASL_CONTINUE -> continueScram(m);
      case AUTH_SASL_FINAL -> finishScram(m);
      default -> {
        checkAllowed(code);
        switch (code) {
          case AUTH_CLEARTEXT -> {
            method = "password";
            pump.io().send(FrontendMessages.password(password().getBytes(StandardCharsets.UTF_8)));
            credentialsSent = true;
          }
          case AUTH_MD5 -> {
            method = "md5";
            byte[] salt = pump.decode(() -> m.bytes(4));
            pump.io().send(FrontendMessages.password(md5(password(), user, salt)));
            credentialsSent = true;
          }
          case AUTH_SASL -> startScram(m);
          default ->
              throw PgErrors.auth(
                  "pg.auth_unsupported",
                  "the server at "
                      + pump.io().peer()
                      + " asked for authentication method "
                      + code
                      + " (GSSAPI/SSPI/Kerberos), which pg_hardstorage does not support",
                  "use scram-sha-256 in pg_hba.conf for this role");
        }
      }
    }
  }

  /** AuthenticationOk: the server let us in; make sure it proved what our policy asks. */
  private void authenticated() {
    if (scram != null && !scramVerified) {
      // A server that skips SASLFinal never proved it knows the password: a MITM symptom.
      throw pump.protocolError("server skipped the SCRAM server signature");
    }
    if (!credentialsSent && !policy.requireAuth().allowsNone()) {
      String allowing = policy.requireAuth().allowingNone();
      throw refused(
          "pg.auth_method_refused",
          "the server at "
              + pump.io().peer()
              + " let role \""
              + user
              + "\" in without authentication (trust or cert), but "
              + policy.requireAuth()
              + " requires one of: "
              + policy.requireAuth().describeAllowed(),
          "make pg_hba.conf authenticate this role with scram-sha-256; or, if this server may"
              + " let it in without a password, "
              + (allowing.isEmpty()
                  ? "remove require_auth from the connection string"
                  : "write require_auth=" + allowing));
    }
    if (policy.channelBinding() == ChannelBinding.REQUIRE
        && !(scramVerified && scram.getScramMechanism().isPlus())) {
      throw channelBindingRefused(
          "the server at "
              + pump.io().peer()
              + " authenticated us without channel binding ("
              + method
              + "), but channel_binding=require");
    }
  }

  /** Refuses, before anything is sent, a method that require_auth or channel_binding forbids. */
  private void checkAllowed(int code) {
    RequireAuth.Method asked =
        switch (code) {
          case AUTH_CLEARTEXT -> RequireAuth.Method.PASSWORD;
          case AUTH_MD5 -> RequireAuth.Method.MD5;
          case AUTH_GSS, AUTH_GSS_CONTINUE -> RequireAuth.Method.GSS;
          case AUTH_SSPI -> RequireAuth.Method.SSPI;
          case AUTH_SASL -> RequireAuth.Method.SCRAM_SHA_256;
          default -> null;
        };
    if (asked != null && !policy.requireAuth().allows(asked)) {
      throw methodRefused(asked);
    }
    if (policy.channelBinding() == ChannelBinding.REQUIRE && code != AUTH_SASL) {
      throw channelBindingRefused(
          "the server at "
              + pump.io().peer()
              + " asked for "
              + (asked != null ? "authentication method \"" + asked.keyword() + "\"" : code)
              + ", which cannot bind to the TLS session, but channel_binding=require");
    }
  }

  private HardstorageException methodRefused(RequireAuth.Method asked) {
    RequireAuth r = policy.requireAuth();
    String allowing = r.allowing(asked);
    String allow =
        allowing.isEmpty()
            ? "remove require_auth from the connection string"
            : "write require_auth=" + allowing + " in the connection string";
    boolean handsOverPassword =
        asked == RequireAuth.Method.PASSWORD || asked == RequireAuth.Method.MD5;
    return refused(
        "pg.auth_method_refused",
        "the server at "
            + pump.io().peer()
            + " asked for authentication method \""
            + asked.keyword()
            + "\" for role \""
            + user
            + "\", which "
            + r
            + (r.isDefault() ? " (the default)" : "")
            + " does not allow; nothing was sent"
            + (asked == RequireAuth.Method.PASSWORD
                ? " (the method sends the password in cleartext)"
                : asked == RequireAuth.Method.MD5
                    ? " (the method sends an MD5 hash of the password, which whoever sees it can"
                        + " replay)"
                    : ""),
        handsOverPassword
            ? "make the server use scram-sha-256 for this role (pg_hba.conf method"
                + " scram-sha-256, password_encryption = scram-sha-256, then set the password"
                + " again); if you trust this server and the network, allow it: "
                + allow
            : "change this role's method in pg_hba.conf to one require_auth allows ("
                + r.describeAllowed()
                + "), or "
                + allow);
  }

  private HardstorageException channelBindingRefused(String message) {
    return refused(
        "pg.channel_binding_required",
        message,
        "connect with TLS (sslmode=verify-full) to a server that authenticates this role with"
            + " scram-sha-256, or set channel_binding=prefer");
  }

  private HardstorageException refused(String code, String message, String suggestion) {
    // the session must not be used for anything else: the server may still be waiting for us
    pump.io().markBroken();
    return PgErrors.auth(code, message, suggestion);
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
    if (!mechanisms.contains("SCRAM-SHA-256") && !mechanisms.contains(SCRAM_PLUS)) {
      throw unusable(
          mechanisms, "none we support (SCRAM-SHA-256)", "use scram-sha-256 in pg_hba.conf");
    }
    if (mechanisms.contains(SCRAM_PLUS) && tls.isEmpty()) {
      // A server offers channel binding only over TLS: someone stripped TLS on the way (libpq
      // refuses this too). Going on would authenticate to whoever that is.
      throw channelBindingRefused(
          "the server at "
              + pump.io().peer()
              + " offered "
              + SCRAM_PLUS
              + " over a connection without TLS; a proxy may have stripped TLS");
    }
    Optional<byte[]> binding =
        policy.channelBinding() == ChannelBinding.DISABLE ? Optional.empty() : channelBindingData();
    if (policy.channelBinding() == ChannelBinding.REQUIRE
        && (binding.isEmpty() || !mechanisms.contains(SCRAM_PLUS))) {
      throw channelBindingRefused(
          "channel_binding=require, but the server at "
              + pump.io().peer()
              + (tls.isEmpty()
                  ? " was reached without TLS"
                  : binding.isEmpty()
                      ? " sent a certificate we cannot bind to"
                      : " offers only " + mechanisms));
    }
    var builder =
        ScramClient.builder()
            .advertisedMechanisms(mechanisms)
            // PostgreSQL takes the role from the startup packet and ignores this name.
            .username("*")
            .password(password().toCharArray())
            .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION);
    binding.ifPresent(data -> builder.channelBinding(TlsServerEndpoint.TLS_SERVER_END_POINT, data));
    try {
      scram = builder.build();
    } catch (IllegalArgumentException e) {
      throw unusable(
          mechanisms,
          "none we can use with channel_binding="
              + policy.channelBinding().keyword()
              + " ("
              + e.getMessage()
              + ")",
          "set channel_binding=prefer");
    }
    String mechanism = scram.getScramMechanism().getName();
    method = mechanism;
    LOG.debug("authenticating to {} with {}", pump.io().peer(), mechanism);
    pump.io()
        .send(
            FrontendMessages.saslInitialResponse(
                mechanism, scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8)));
  }

  private HardstorageException unusable(List<String> mechanisms, String why, String suggestion) {
    return PgErrors.auth(
        "pg.auth_unsupported",
        "the server at "
            + pump.io().peer()
            + " offers SASL mechanisms "
            + mechanisms
            + " but "
            + why,
        suggestion);
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
      // With channel_binding=prefer we fall back to plain SCRAM, as libpq does; with require the
      // caller refuses.
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
      credentialsSent = true;
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
