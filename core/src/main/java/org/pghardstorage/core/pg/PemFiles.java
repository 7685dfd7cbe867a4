package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** Reads the PEM files libpq takes: root certificates, client certificate chains and keys. */
final class PemFiles {
  private PemFiles() {}

  /** Every certificate in a PEM (or DER) file; at least one. */
  static List<X509Certificate> certificates(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw bad(file, what, "it contains no certificate");
      }
      return certs;
    } catch (IOException e) {
      throw bad(file, what, "cannot read it: " + e.getMessage());
    } catch (CertificateException e) {
      throw bad(file, what, "it is not a PEM certificate file: " + e.getMessage());
    }
  }

  /** An unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of type RSA, EC or EdDSA. */
  static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw bad(file, "client key", "cannot read it: " + e.getMessage());
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw bad(
          file,
          "client key",
          "only unencrypted PKCS#8 keys (BEGIN PRIVATE KEY) are supported; convert with"
              + " 'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisAlgorithm) {
        // try the next algorithm; the key says which one it is only inside the DER
      }
    }
    throw bad(file, "client key", "the key is not an RSA, EC or EdDSA key");
  }

  private static HardstorageException bad(Path file, String what, String why) {
    return new HardstorageException(
        "pg.tls_config_invalid",
        ExitCode.USAGE,
        "cannot use " + what + " file \"" + file + "\": " + why,
        "check sslrootcert, sslcert and sslkey in the connection string");
  }
}
