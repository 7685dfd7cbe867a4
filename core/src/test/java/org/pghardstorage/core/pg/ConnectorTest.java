package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** Network behaviour against tiny fake servers on loopback. */
class ConnectorTest {
  private static final PgEnvironment ENV =
      PgEnvironment.of(Map.of(), Path.of("/nonexistent-home"), "ops");

  private ServerSocket server;
  private ExecutorService pool;

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    pool =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fake-postgres");
              t.setDaemon(true);
              return t;
            });
  }

  @AfterEach
  void stop() throws IOException {
    pool.shutdownNow();
    server.close();
  }

  private ConnInfo info(String extra) {
    return ConnInfo.parse("host=127.0.0.1 port=" + server.getLocalPort() + " " + extra, ENV);
  }

  @Test
  void refusedConnectionNamesHostAndPort() throws IOException {
    int port = server.getLocalPort();
    server.close();
    ConnInfo ci = ConnInfo.parse("host=127.0.0.1 port=" + port + " sslmode=disable", ENV);
    assertThatThrownBy(() -> PgConnection.open(ci, ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.unreachable");
              assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            })
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void unknownHostIsUnreachable() {
    ConnInfo ci = ConnInfo.parse("host=no-such-host.invalid sslmode=disable", ENV);
    assertThatThrownBy(() -> PgConnection.open(ci, ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.unreachable"))
        .hasMessageContaining("no-such-host.invalid");
  }

  @Test
  void silentServerTimesOutAfterConnectTimeout() {
    pool.submit(() -> accept(s -> Thread.sleep(10_000)));
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                PgConnection.open(info("sslmode=disable connect_timeout=2"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.timeout");
              assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void requireFailsWhenServerDeclinesTls() {
    pool.submit(() -> accept(s -> answerSslRequest(s, 'N')));
    assertThatThrownBy(() -> PgConnection.open(info("sslmode=require"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.tls_unavailable"))
        .hasMessageContaining("does not support SSL");
  }

  @Test
  void verifyCaWithoutRootCertificateIsAUsageError() {
    pool.submit(() -> accept(s -> answerSslRequest(s, 'S')));
    assertThatThrownBy(() -> PgConnection.open(info("sslmode=verify-ca"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.tls_config_invalid");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            })
        .hasMessageContaining("/nonexistent-home/.postgresql/root.crt");
  }

  @Test
  void preferFallsBackToPlainWhenDeclined() throws Exception {
    CompletableFuture<byte[]> startup = new CompletableFuture<>();
    pool.submit(
        () ->
            accept(
                s -> {
                  answerSslRequest(s, 'N');
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  byte[] packet = new byte[in.readInt() - 4];
                  in.readFully(packet);
                  startup.complete(packet);
                  s.getOutputStream().write(Backend.script().startup().bytes());
                  s.getOutputStream().flush();
                  in.read(); // wait for Terminate
                }));
    try (PgConnection c = PgConnection.open(info("sslmode=prefer"), ConnectOptions.replication())) {
      assertThat(c.tlsSession()).isEmpty();
      assertThat(c.backendPid()).isEqualTo(4242);
    }
    String params =
        new String(startup.get(5, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(params)
        .contains("user\0ops\0", "database\0ops\0", "replication\0database\0")
        .contains("application_name\0pg_hardstorage\0", "client_encoding\0UTF8\0");
  }

  @Test
  void cancelSendsPidAndKeyOnASecondConnection() throws Exception {
    CompletableFuture<byte[]> cancel = new CompletableFuture<>();
    pool.submit(
        () -> {
          accept(
              s -> {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] packet = new byte[in.readInt() - 4];
                in.readFully(packet);
                s.getOutputStream().write(Backend.script().startup().bytes());
                s.getOutputStream().flush();
                try (Socket second = server.accept()) {
                  DataInputStream cin = new DataInputStream(second.getInputStream());
                  byte[] req = new byte[cin.readInt() - 4];
                  cin.readFully(req);
                  cancel.complete(req);
                }
                in.read();
              });
          return null;
        });
    try (PgConnection c = PgConnection.open(info("sslmode=disable"), ConnectOptions.sql())) {
      c.cancel();
    }
    java.nio.ByteBuffer req = java.nio.ByteBuffer.wrap(cancel.get(5, TimeUnit.SECONDS));
    assertThat(req.getInt()).isEqualTo(80877102);
    assertThat(req.getInt()).isEqualTo(4242);
    assertThat(req.getInt()).isEqualTo(0x01020304);
    assertThat(req.hasRemaining()).isFalse();
  }

  @Test
  void serverAnsweringGarbageToSslRequestIsAProtocolViolation() {
    pool.submit(() -> accept(s -> answerSslRequest(s, 'X')));
    assertThatThrownBy(() -> PgConnection.open(info("sslmode=require"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("pg.protocol_violation"));
  }

  private static void answerSslRequest(Socket s, char answer) throws IOException {
    InputStream in = s.getInputStream();
    byte[] request = in.readNBytes(8);
    assertThat(java.nio.ByteBuffer.wrap(request).getInt(4)).isEqualTo(80877103);
    OutputStream out = s.getOutputStream();
    out.write(answer);
    out.flush();
  }

  @FunctionalInterface
  interface Session {
    void run(Socket s) throws Exception;
  }

  private Void accept(Session session) throws Exception {
    try (Socket s = server.accept()) {
      session.run(s);
    }
    return null;
  }
}
