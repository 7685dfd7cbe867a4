package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.OsUser;
import org.pghardstorage.devstack.PgCluster;

/**
 * A real PostgreSQL cluster set up for protocol tests: TLS on with a certificate from a throw-away
 * CA (names {@code 127.0.0.1} and {@code pg.test}, not {@code localhost}), and roles for each
 * authentication case: {@code rep} (REPLICATION, SCRAM), {@code norep} (no REPLICATION), {@code
 * md5user} (MD5 in pg_hba.conf and an MD5-stored password) and {@code pwuser} (cleartext {@code
 * password} method). Connection strings are parsed against an empty environment with a private home
 * directory, so the machine's own {@code ~/.pgpass} or {@code root.crt} never leak in.
 */
final class ClusterFixture implements AutoCloseable {
  static final String REP_PASSWORD = "rep p'w";

  final PgCluster cluster;
  final Path dir;
  final Path home;
  final TestPki pki;
  final TestPki otherPki;

  private ClusterFixture(PgCluster cluster, Path dir, Path home, TestPki pki, TestPki otherPki) {
    this.cluster = cluster;
    this.dir = dir;
    this.home = home;
    this.pki = pki;
    this.otherPki = otherPki;
  }

  static ClusterFixture start(int major) {
    Path dir = Locations.newRunDir("pghs-proto-it-");
    try {
      Path home = Files.createDirectories(dir.resolve("home"));
      TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")), "pghs test CA");
      TestPki other = TestPki.create(Files.createDirectories(dir.resolve("other")), "other CA");
      TestPki.Issued server = pki.issue("server", "CN=pg-server", "ip:127.0.0.1,dns:pg.test");
      Files.setPosixFilePermissions(server.keyFile(), PosixFilePermissions.fromString("rw-------"));
      OsUser.service().own(server.keyFile());
      PgCluster cluster =
          PgCluster.builder(major)
              .setting("ssl", "on")
              .setting("ssl_cert_file", "'" + server.certFile() + "'")
              .setting("ssl_key_file", "'" + server.keyFile() + "'")
              .setting("ssl_ca_file", "'" + pki.caCert() + "'")
              .start();
      ClusterFixture f = new ClusterFixture(cluster, dir, home, pki, other);
      f.configureRoles();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void configureRoles() throws IOException {
    cluster.createRole("rep", REP_PASSWORD, true);
    cluster.createRole("norep", "norep-pw", false);
    cluster.createRole("pwuser", "pw-pw", true);
    cluster.createRole("sslonly", "ssl-pw", true);
    cluster.createRole("plainonly", "plain-pw", true);
    cluster.createRole("certuser", "unused-pw", true);
    cluster.execute(
        "postgres",
        "SET password_encryption = 'md5'",
        "CREATE ROLE md5user LOGIN REPLICATION PASSWORD 'md5-pw'");
    Path hba = cluster.dataDir().resolve("pg_hba.conf");
    String lines =
        "host all md5user 127.0.0.1/32 md5\n"
            + "host all pwuser 127.0.0.1/32 password\n"
            + "host replication md5user 127.0.0.1/32 md5\n"
            + "hostnossl all sslonly 127.0.0.1/32 reject\n"
            + "hostssl all plainonly 127.0.0.1/32 reject\n"
            + "hostssl all certuser 127.0.0.1/32 cert\n";
    Files.writeString(hba, lines + Files.readString(hba));
    cluster.execute("postgres", "SELECT pg_reload_conf()");
  }

  /** A connection string for {@code user} with {@code extra} settings. */
  ConnInfo connInfo(String user, String password, String extra) {
    String pw = password == null ? "" : " password='" + password.replace("'", "\\'") + "'";
    return connInfo(
        "host=127.0.0.1 port="
            + cluster.port()
            + " user="
            + user
            + pw
            + " dbname=postgres "
            + extra);
  }

  /** Parses {@code conninfo} against the fixture's empty environment. */
  ConnInfo connInfo(String conninfo) {
    return ConnInfo.parse(conninfo, PgEnvironment.of(Map.of(), home, "ops"));
  }

  ConnInfo rep(String extra) {
    return connInfo("rep", REP_PASSWORD, extra);
  }

  ConnInfo superuser(String extra) {
    return connInfo("postgres", cluster.password(), extra);
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + dir, e);
      }
    }
  }
}
