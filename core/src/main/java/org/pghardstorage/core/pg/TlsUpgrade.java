package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSLRequest negotiation and the TLS handshake with libpq's {@code sslmode} semantics:
 *
 * <ul>
 *   <li>{@code require}, {@code prefer}, {@code allow}: encrypt; verify the chain only if a root
 *       certificate file exists ({@code sslrootcert} or {@code ~/.postgresql/root.crt}), as libpq
 *       does for backward compatibility;
 *   <li>{@code verify-ca}: the chain must lead to a certificate in the root file;
 *   <li>{@code verify-full}: additionally the certificate must name the host;
 *   <li>{@code sslrootcert=system}: the JDK's trusted roots, only with {@code verify-full}.
 * </ul>
 */
final class TlsUpgrade {
  private static final Logger LOG = LoggerFactory.getLogger(TlsUpgrade.class);

  private TlsUpgrade() {}

  /**
   * Sends SSLRequest on a fresh socket and reads the one-byte answer.
   *
   * @return true if the server agreed ({@code S}), false if it declined ({@code N})
   */
  static boolean requestTls(Socket socket, String peer) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(FrontendMessages.sslRequest());
      out.flush();
      InputStream in = socket.getInputStream();
      int answer = in.read();
      if (answer == 'S') {
        if (in.available() > 0) {
          // Bytes before the handshake would be processed as if encrypted (CVE-2021-23222).
          throw PgErrors.protocol(peer, "unencrypted data after the server accepted SSL");
        }
        return true;
      }
      if (answer == 'N') {
        return false;
      }
      if (answer < 0) {
        throw PgErrors.connectionLost(peer, null);
      }
      throw PgErrors.protocol(
          peer, "unexpected answer " + BackendMessage.describe((byte) answer) + " to SSLRequest");
    } catch (IOException e) {
      throw PgErrors.connectionLost(peer, e);
    }
  }

  /** Runs the TLS handshake over {@code plain} and checks the certificate as the mode demands. */
  static SSLSocket handshake(Socket plain, Endpoint endpoint, ConnInfo info) {
    SslMode mode = info.sslMode();
    String peer = endpoint.display();
    Optional<String> rootSetting = info.sslRootCert();
    boolean system = rootSetting.filter("system"::equals).isPresent();
    if (system && mode != SslMode.VERIFY_FULL) {
      throw new HardstorageException(
          "pg.tls_config_invalid",
          ExitCode.USAGE,
          "weak sslmode \"" + mode.keyword() + "\" may not be used with sslrootcert=system",
          "use sslmode=verify-full");
    }
    Path root = rootSetting.filter(s -> !system).map(Path::of).orElse(info.defaultSslRootCert());
    boolean haveRoot = !system && Files.isRegularFile(root);
    if (mode.verifiesChain() && !system && !haveRoot) {
      throw new HardstorageException(
          "pg.tls_config_invalid",
          ExitCode.USAGE,
          "root certificate file \""
              + root
              + "\" does not exist, but sslmode="
              + mode.keyword()
              + " needs it to verify the server certificate",
          "provide the CA certificate with sslrootcert=FILE, use sslrootcert=system for the"
              + " system's trusted roots, or choose sslmode=require to skip verification");
    }
    TrustManager[] trust;
    if (system) {
      trust = trustManagers(null);
    } else if (haveRoot) {
      trust = trustManagers(PemFiles.certificates(root, "root certificate"));
    } else {
      trust = new TrustManager[] {new TrustEveryServer()};
    }
    SSLSocket socket;
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(info), trust, null);
      socket =
          (SSLSocket)
              context
                  .getSocketFactory()
                  .createSocket(plain, endpoint.host(), endpoint.port(), true);
    } catch (GeneralSecurityException | IOException e) {
      throw PgErrors.tls(peer, e.getMessage(), "check the TLS settings of the JDK", e);
    }
    SSLParameters params = socket.getSSLParameters();
    if (!HostnameMatcher.isIpLiteral(endpoint.host())) {
      params.setServerNames(List.of(new SNIHostName(endpoint.host())));
    }
    socket.setSSLParameters(params);
    try {
      socket.startHandshake();
    } catch (SSLException e) {
      closeQuietly(socket);
      throw PgErrors.tls(
          peer,
          e.getMessage(),
          haveRoot || system
              ? "the server certificate does not chain to the trusted roots in "
                  + (system ? "the system trust store" : root)
                  + "; fix sslrootcert or the server's ssl_cert_file"
              : "check the server's TLS configuration",
          e);
    } catch (IOException e) {
      closeQuietly(socket);
      throw PgErrors.connectionLost(peer, e);
    }
    if (mode == SslMode.VERIFY_FULL) {
      verifyHostname(socket, endpoint);
    }
    return socket;
  }

  private static void verifyHostname(SSLSocket socket, Endpoint endpoint) {
    X509Certificate cert;
    try {
      Certificate[] chain = socket.getSession().getPeerCertificates();
      cert = (X509Certificate) chain[0];
    } catch (IOException e) {
      closeQuietly(socket);
      throw PgErrors.tls(endpoint.display(), "no server certificate", null, e);
    }
    if (!HostnameMatcher.matches(endpoint.host(), cert)) {
      closeQuietly(socket);
      throw PgErrors.tls(
          endpoint.display(),
          "server certificate for "
              + HostnameMatcher.names(cert)
              + " does not match host name \""
              + endpoint.host()
              + "\"",
          "connect with a host name the certificate names, or reissue the certificate with that"
              + " name in subjectAltName",
          null);
    }
  }

  private static TrustManager[] trustManagers(List<X509Certificate> roots) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (roots == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < roots.size(); i++) {
          store.setCertificateEntry("root-" + i, roots.get(i));
        }
        tmf.init(store);
      }
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  private static KeyManager[] keyManagers(ConnInfo info) throws GeneralSecurityException {
    Path certFile = info.sslCert();
    if (!Files.isRegularFile(certFile)) {
      if (info.hasExplicitSslCert()) {
        throw new HardstorageException(
            "pg.tls_config_invalid",
            ExitCode.USAGE,
            "client certificate file \"" + certFile + "\" does not exist",
            "fix sslcert in the connection string");
      }
      return null; // no client certificate, as libpq when ~/.postgresql/postgresql.crt is absent
    }
    List<X509Certificate> chain = PemFiles.certificates(certFile, "client certificate");
    PrivateKey key = PemFiles.privateKey(info.sslKey());
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      char[] transientPassword = new char[0];
      store.setKeyEntry("client", key, transientPassword, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, transientPassword);
      return kmf.getKeyManagers();
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot build the client key store", e);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already failing with a more useful error; the socket is unusable either way
      LOG.debug("closing socket after TLS failure: {}", e.toString());
    }
  }
}
