package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: S3Proxy (Maven Central {@code org.gaul:s3proxy}, its {@code
 * jar-with-dependencies}) storing on a filesystem, in its own process on 127.0.0.1, speaking the S3
 * REST API with SigV4 authentication. The modules that use it copy the jar into {@code target/} and
 * name it in the system property {@code pghs.s3proxy.jar}. One per JVM, stopped at exit.
 */
public final class S3ProxyServer implements AutoCloseable {
  /** The access key id the server accepts. */
  public static final String ACCESS_KEY = "pghs-test-access-key";

  /** The secret access key the server accepts. */
  public static final String SECRET_KEY = "pghs-test-secret-key";

  private static S3ProxyServer shared;

  private final Process process;
  private final URI endpoint;
  private final Path dir;

  private S3ProxyServer(Process process, URI endpoint, Path dir) {
    this.process = process;
    this.endpoint = endpoint;
    this.dir = dir;
  }

  /** The server shared by this JVM, started on first use. */
  public static synchronized S3ProxyServer get() {
    if (shared == null) {
      shared = start();
      Reaper.register(shared);
    }
    return shared;
  }

  /** Where it listens, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  /** An {@code s3://} repository URL for {@code bucket}/{@code prefix} on this server. */
  public String url(String bucket, String prefix) {
    return "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint + "&path_style=true";
  }

  /**
   * A repository URL in {@code bucket}/{@code prefix} (the bucket created if missing) whose
   * credentials come from a credentials file written into {@code dir}, as a host that restores
   * would have it: readable by the PostgreSQL OS user that runs {@code restore_command}.
   */
  public String repositoryWithCredentialsFile(String bucket, String prefix, Path dir) {
    createBucket(bucket);
    return url(bucket, prefix)
        + "&credentials_file="
        + credentialsFile(dir.resolve("aws-credentials"));
  }

  /** Creates {@code bucket} (a directory of the filesystem store) if it does not exist. */
  public void createBucket(String bucket) {
    try {
      Files.createDirectories(dir.resolve("data").resolve(bucket));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create bucket " + bucket, e);
    }
  }

  /**
   * Writes an AWS credentials file with this server's keys (profile {@code default}), readable by
   * every OS user: PostgreSQL runs {@code restore_command} as its own user.
   */
  public Path credentialsFile(Path file) {
    try {
      Files.writeString(
          file,
          "[default]\naws_access_key_id = "
              + ACCESS_KEY
              + "\naws_secret_access_key = "
              + SECRET_KEY
              + "\n");
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static S3ProxyServer start() {
    String jar = System.getProperty("pghs.s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "S3Proxy jar not found (system property pghs.s3proxy.jar = " + jar + "); run via Maven");
    }
    try {
      Path dir = Locations.newRunDir("pghs-s3proxy-");
      Files.createDirectories(dir.resolve("data"));
      int port = PgCluster.freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Path properties = dir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=" + endpoint,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem-nio2",
              "jclouds.filesystem.basedir=" + dir.resolve("data"),
              ""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(List.of(java, "-jar", jar, "--properties", properties.toString()))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
      awaitPort(p, port, dir.resolve("s3proxy.log"));
      return new S3ProxyServer(p, endpoint, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Proxy", e);
    }
  }

  private static void awaitPort(Process p, int port, Path log) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "S3Proxy exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        PgCluster.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(
        "S3Proxy did not listen within 60 s:\n" + Files.readString(log));
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Locations.deleteTree(dir);
    } catch (IOException ignored) {
      // a run directory of our own; newRunDir's sweep removes it later
    }
  }
}
