package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority made with the JDK's keytool (no OpenSSL, no extra library):
 * issues server certificates with chosen names and writes PEM files PostgreSQL and libpq read.
 */
final class TestPki {
  private static final String PASS = "changeit";
  private final Path dir;
  private final Path caStore;

  private TestPki(Path dir) {
    this.dir = dir;
    this.caStore = dir.resolve("ca.p12");
  }

  /** Creates a CA in {@code dir}, writing {@code ca.crt}. */
  static TestPki create(Path dir, String caName) {
    TestPki pki = new TestPki(dir);
    pki.keytool(
        "-genkeypair",
        "-keystore",
        pki.caStore.toString(),
        "-alias",
        "ca",
        "-dname",
        "CN=" + caName,
        "-ext",
        "bc:c",
        "-ext",
        "KeyUsage=keyCertSign,cRLSign");
    pki.keytool(
        "-exportcert",
        "-rfc",
        "-keystore",
        pki.caStore.toString(),
        "-alias",
        "ca",
        "-file",
        pki.caCert().toString());
    return pki;
  }

  Path caCert() {
    return dir.resolve("ca.crt");
  }

  /**
   * Issues a certificate signed by this CA.
   *
   * @param name file name prefix; writes {@code name.crt} and {@code name.key} (PKCS#8)
   * @param dname subject, e.g. {@code CN=db.example.com}
   * @param san subjectAltName extension value such as {@code dns:a,ip:127.0.0.1}, or null
   */
  Issued issue(String name, String dname, String san) {
    Path store = dir.resolve(name + ".p12");
    Path csr = dir.resolve(name + ".csr");
    Path crt = dir.resolve(name + ".crt");
    keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-dname", dname);
    keytool("-certreq", "-keystore", store.toString(), "-alias", name, "-file", csr.toString());
    List<String> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-keystore",
                caStore.toString(),
                "-alias",
                "ca",
                "-infile",
                csr.toString(),
                "-outfile",
                crt.toString(),
                "-rfc",
                "-ext",
                "ExtendedKeyUsage=serverAuth,clientAuth"));
    if (san != null) {
      gencert.add("-ext");
      gencert.add("SAN=" + san);
    }
    keytool(gencert.toArray(String[]::new));
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, PASS.toCharArray());
      }
      Key key = ks.getKey(name, PASS.toCharArray());
      Path keyFile = dir.resolve(name + ".key");
      Files.writeString(
          keyFile,
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n");
      return new Issued(crt, keyFile, PemFiles.certificates(crt, "test").get(0));
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot export key of " + name, e);
    }
  }

  record Issued(Path certFile, Path keyFile, X509Certificate certificate) {}

  private void keytool(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    if (!List.of(args).contains("-exportcert")
        && !List.of(args).contains("-certreq")
        && !List.of(args).contains("-gencert")) {
      cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30"));
    }
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS, "-noprompt"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
