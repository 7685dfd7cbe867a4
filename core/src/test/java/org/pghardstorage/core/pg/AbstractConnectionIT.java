package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Connection, authentication, TLS, query, cancel and timeout behaviour against a real server.
 * Subclasses pick the major version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractConnectionIT {
  ClusterFixture pg;

  abstract int major();

  @BeforeAll
  void startCluster() {
    pg = ClusterFixture.start(major());
  }

  @AfterAll
  void stopCluster() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void scramPlainConnectionRunsQueries() {
    try (PgConnection c =
        PgConnection.open(pg.superuser("sslmode=disable"), ConnectOptions.sql())) {
      assertThat(c.tlsSession()).isEmpty();
      assertThat(c.authenticationMethod()).isEqualTo("SCRAM-SHA-256");
      assertThat(c.serverVersionNum() / 10000).isEqualTo(major());
      String num = c.querySingle("SHOW server_version_num").singleRow().getString(0);
      assertThat(c.serverVersionNum()).isEqualTo(Integer.parseInt(num));
      QueryResult r =
          c.querySingle(
              "SELECT 42::int8 AS n, NULL::text AS t, true AS b, '0/16B3748'::pg_lsn AS l");
      Row row = r.singleRow();
      assertThat(row.getLong("n")).isEqualTo(42);
      assertThat(row.isNull("t")).isTrue();
      assertThat(row.getBoolean("b")).isTrue();
      assertThat(row.getLsn("l")).isEqualTo(Lsn.parse("0/16B3748"));
      assertThat(r.commandTag()).contains("SELECT 1");
      assertThat(c.parameter("application_name")).contains("pg_hardstorage");
    }
  }

  @Test
  void md5AndCleartextAreRefusedUnlessRequireAuthAllowsThem() {
    for (String[] role :
        new String[][] {{"md5user", "md5-pw", "md5"}, {"pwuser", "pw-pw", "password"}}) {
      assertThatThrownBy(
              () ->
                  PgConnection.open(
                      pg.connInfo(role[0], role[1], "sslmode=disable"), ConnectOptions.sql()))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("pg.auth_method_refused");
                assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
                assertThat(e.getMessage()).contains("\"" + role[2] + "\"");
                assertThat(e.suggestion().orElseThrow())
                    .contains("require_auth=" + role[2] + ",scram-sha-256,none");
              });
    }
    try (PgConnection c =
        PgConnection.open(
            pg.connInfo("md5user", "md5-pw", "sslmode=disable require_auth=md5"),
            ConnectOptions.sql())) {
      assertThat(c.querySingle("SELECT current_user").singleRow().getString(0))
          .isEqualTo("md5user");
      assertThat(c.authenticationMethod()).isEqualTo("md5");
    }
    try (PgConnection c =
        PgConnection.open(
            pg.connInfo("pwuser", "pw-pw", "sslmode=disable require_auth=scram-sha-256,password"),
            ConnectOptions.replication())) {
      assertThat(new ReplicationConnection(c).identifySystem().dbname()).contains("postgres");
      assertThat(c.authenticationMethod()).isEqualTo("password");
    }
    try (PgConnection c =
        PgConnection.open(
            pg.rep("sslmode=disable require_auth=!password,!md5"), ConnectOptions.sql())) {
      assertThat(c.authenticationMethod()).isEqualTo("SCRAM-SHA-256");
    }
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.rep("sslmode=disable require_auth=md5,password"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("pg.auth_method_refused"))
        .hasMessageContaining("\"scram-sha-256\"");
  }

  @Test
  void channelBindingRequiredSucceedsOverTlsAndFailsWithout() {
    String ca = " sslrootcert=" + pg.pki.caCert();
    try (PgConnection c =
        PgConnection.open(
            pg.rep("sslmode=verify-full channel_binding=require" + ca),
            ConnectOptions.replication())) {
      assertThat(c.tlsSession()).isPresent();
      assertThat(c.authenticationMethod()).isEqualTo("SCRAM-SHA-256-PLUS");
    }
    try (PgConnection c =
        PgConnection.open(
            pg.rep("sslmode=require channel_binding=disable"), ConnectOptions.sql())) {
      assertThat(c.tlsSession()).isPresent();
      assertThat(c.authenticationMethod()).isEqualTo("SCRAM-SHA-256");
    }
    // allow tries without TLS first, and the server takes the plain session
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.rep("sslmode=allow channel_binding=require"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.channel_binding_required");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
            })
        .hasMessageContaining("without TLS");
    // md5 cannot be bound to the session, whatever require_auth allows
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo(
                        "md5user",
                        "md5-pw",
                        "sslmode=require require_auth=md5 channel_binding=require"),
                    ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("pg.channel_binding_required"));
    // certificate authentication lets us in without SCRAM: nothing was bound
    TestPki.Issued client = pg.pki.issue("certuser-cb", "CN=certuser", null);
    ConnInfo cert =
        pg.connInfo(
            "certuser",
            null,
            "sslmode=verify-full channel_binding=require sslrootcert="
                + pg.pki.caCert()
                + " sslcert="
                + client.certFile()
                + " sslkey="
                + client.keyFile());
    assertThatThrownBy(() -> PgConnection.open(cert, ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("pg.channel_binding_required"));
  }

  @Test
  void wrongPasswordIsAnAuthenticationFailure() {
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo("rep", "wrong", "sslmode=disable"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo("28P01");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
              assertThat(e.getMessage()).doesNotContain("wrong");
            });
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo("md5user", "wrong", "sslmode=disable require_auth=md5"),
                    ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            PgServerException.class, e -> assertThat(e.sqlState()).isEqualTo("28P01"));
  }

  @Test
  void missingPasswordAndPgpass() throws Exception {
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo("rep", null, "sslmode=disable"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.password_missing"));
    Path pgpass = pg.home.resolve(".pgpass");
    Files.writeString(pgpass, "127.0.0.1:" + pg.cluster.port() + ":*:rep:rep p'w\n");
    Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
    try (PgConnection c =
        PgConnection.open(pg.connInfo("rep", null, "sslmode=disable"), ConnectOptions.sql())) {
      assertThat(c.user()).isEqualTo("rep");
    } finally {
      Files.delete(pgpass);
    }
  }

  @Test
  void roleWithoutReplicationIsToldHowToFixIt() {
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo("norep", "norep-pw", "sslmode=disable"),
                    ConnectOptions.replication()))
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo("42501");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
              assertThat(e.suggestion().orElseThrow()).contains("ALTER ROLE \"norep\" REPLICATION");
            });
  }

  @Test
  void missingDatabaseIsNotFound() {
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.superuser("sslmode=disable").withDbname("nope"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo("3D000");
              assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
            });
  }

  @Test
  void tlsModes() {
    String ca = " sslrootcert=" + pg.pki.caCert();
    String otherCa = " sslrootcert=" + pg.otherPki.caCert();
    for (String extra :
        new String[] {
          "sslmode=require", "sslmode=prefer", "sslmode=verify-ca" + ca, "sslmode=verify-full" + ca
        }) {
      try (PgConnection c = PgConnection.open(pg.rep(extra), ConnectOptions.replication())) {
        assertThat(c.tlsSession()).as(extra).isPresent();
        // the server verified our tls-server-end-point binding, so no TLS proxy sits in between
        assertThat(c.authenticationMethod()).isEqualTo("SCRAM-SHA-256-PLUS");
        assertThat(
                c.querySingle("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .singleRow()
                    .getBoolean(0))
            .isTrue();
      }
    }
    assertThatThrownBy(
            () -> PgConnection.open(pg.rep("sslmode=verify-ca" + otherCa), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.tls_failed"));
    assertThatThrownBy(
            () -> PgConnection.open(pg.rep("sslmode=require" + otherCa), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.tls_failed"));
    ConnInfo byName =
        pg.connInfo(
            "host=localhost hostaddr=127.0.0.1 port="
                + pg.cluster.port()
                + " user=rep password='rep p\\'w' dbname=postgres sslmode=verify-full"
                + ca);
    assertThatThrownBy(() -> PgConnection.open(byName, ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.tls_failed"))
        .hasMessageContaining("does not match host name \"localhost\"");
    ConnInfo goodName =
        pg.connInfo(
            "host=pg.test hostaddr=127.0.0.1 port="
                + pg.cluster.port()
                + " user=rep password='rep p\\'w' dbname=postgres sslmode=verify-full"
                + ca);
    try (PgConnection c = PgConnection.open(goodName, ConnectOptions.sql())) {
      assertThat(c.tlsSession()).isPresent();
    }
  }

  @Test
  void allowAndPreferRetryLikeLibpq() {
    try (PgConnection c =
        PgConnection.open(
            pg.connInfo("sslonly", "ssl-pw", "sslmode=allow"), ConnectOptions.sql())) {
      assertThat(c.tlsSession()).as("allow retries with TLS after a plain refusal").isPresent();
    }
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo("sslonly", "ssl-pw", "sslmode=disable"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo("28000");
              assertThat(e.suggestion().orElseThrow()).contains("pg_hba.conf");
            });
    try (PgConnection c =
        PgConnection.open(
            pg.connInfo("plainonly", "plain-pw", "sslmode=prefer"), ConnectOptions.sql())) {
      assertThat(c.tlsSession()).as("prefer retries without TLS after a TLS refusal").isEmpty();
    }
    assertThatThrownBy(
            () ->
                PgConnection.open(
                    pg.connInfo("plainonly", "plain-pw", "sslmode=require"), ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            PgServerException.class, e -> assertThat(e.sqlState()).isEqualTo("28000"));
  }

  @Test
  void clientCertificateAuthentication() {
    TestPki.Issued client = pg.pki.issue("certuser", "CN=certuser", null);
    ConnInfo ci =
        pg.connInfo(
            "certuser",
            null,
            "sslmode=verify-full sslrootcert="
                + pg.pki.caCert()
                + " sslcert="
                + client.certFile()
                + " sslkey="
                + client.keyFile());
    try (PgConnection c = PgConnection.open(ci, ConnectOptions.replication())) {
      assertThat(c.querySingle("SELECT current_user").singleRow().getString(0))
          .isEqualTo("certuser");
      assertThat(c.authenticationMethod()).isEqualTo("trust");
    }
    ConnInfo missing = pg.connInfo("certuser", null, "sslmode=require sslcert=/nonexistent.crt");
    assertThatThrownBy(() -> PgConnection.open(missing, ConnectOptions.sql()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("/nonexistent.crt");
  }

  @Test
  void cancelStopsARunningQueryFromAnotherThread() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "it-canceller"));
    try (PgConnection c =
        PgConnection.open(pg.superuser("sslmode=disable"), ConnectOptions.sql())) {
      CompletableFuture<Void> started = new CompletableFuture<>();
      Future<?> cancel =
          pool.submit(
              () -> {
                started.get(10, TimeUnit.SECONDS);
                Thread.sleep(500);
                c.cancel();
                return null;
              });
      started.complete(null);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> c.query("SELECT pg_sleep(30)"))
          .isInstanceOfSatisfying(
              PgServerException.class,
              e -> {
                assertThat(e.sqlState()).isEqualTo("57014");
                assertThat(e.exitCode()).isEqualTo(ExitCode.ABORTED);
              });
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
      cancel.get(10, TimeUnit.SECONDS);
      assertThat(c.querySingle("SELECT 1").singleRow().getInt(0)).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readTimeoutBreaksTheConnection() {
    try (PgConnection c =
        PgConnection.open(
            pg.superuser("sslmode=disable"),
            ConnectOptions.sql().withReadTimeout(Duration.ofSeconds(1)))) {
      assertThatThrownBy(() -> c.query("SELECT pg_sleep(5)"))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("pg.timeout");
                assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
              });
      assertThat(c.isUsable()).isFalse();
    }
  }

  @Test
  void copyOutStreams() throws Exception {
    try (PgConnection c = PgConnection.open(pg.superuser("sslmode=disable"), ConnectOptions.sql());
        CopyOutStream copy =
            c.copyOut("COPY (SELECT g FROM generate_series(1, 100000) g) TO STDOUT")) {
      byte[] all = copy.asInputStream().readAllBytes();
      assertThat(new String(all, java.nio.charset.StandardCharsets.US_ASCII).lines().count())
          .isEqualTo(100000);
      assertThat(copy.results().get(0).commandTag()).contains("COPY 100000");
      assertThat(c.isUsable()).isTrue();
    }
  }
}
