package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * Bad input gets a precise message and its documented exit code, and leaves nothing behind that
 * looks like a backup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliErrorsIT {
  PgCluster pg;
  Path work;
  String repo;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-errors-");
    pg = PgCluster.builder(16).in(work.resolve("pg")).start();
    pg.createRole("backup", "right-secret", true);
    pg.createRole("plain", "plain-secret", false);
    repo = "file://" + work.resolve("repo");
    assertThat(Cli.run("repo", "init", repo).exitCode()).isZero();
  }

  @AfterAll
  void tearDown() {
    if (pg != null) {
      pg.close();
    }
    Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(1));
  }

  String conninfo(String user, String password) {
    return "host=127.0.0.1 port="
        + pg.port()
        + " user="
        + user
        + " password="
        + password
        + " dbname=postgres";
  }

  @Test
  void wrongPasswordIsAnAuthenticationError() {
    Cli.Result r =
        Cli.run("backup", "db1", "--pg-connection", conninfo("backup", "wrong"), "--repo", repo);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.error().path("message").asText()).containsIgnoringCase("password");
    assertThat(r.stdout()).doesNotContain("wrong").doesNotContain("right-secret");
    assertNoBackups();
  }

  @Test
  void roleWithoutReplicationIsRefusedWithTheFix() {
    Cli.Result r =
        Cli.run(
            "backup", "db1", "--pg-connection", conninfo("plain", "plain-secret"), "--repo", repo);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.error().path("suggestion").asText()).contains("REPLICATION");
    assertNoBackups();
  }

  @Test
  void unreachableHostIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Cli.Result r =
        Cli.run(
            "backup",
            "db1",
            "--pg-connection",
            "host=127.0.0.1 port=" + closedPort + " user=backup password=x connect_timeout=5",
            "--repo",
            repo);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(8);
    assertThat(r.error().path("message").asText()).contains("127.0.0.1:" + closedPort);
    assertNoBackups();
  }

  @Test
  void missingRepositoryDirectoryIsUnreachableAndEmptyDirectoryIsNotFound() throws Exception {
    Cli.Result absent = Cli.run("list", "db1", "--repo", "file://" + work.resolve("no-such-dir"));
    Path empty = Files.createDirectories(work.resolve("empty-dir"));
    Cli.Result notARepo = Cli.run("list", "db1", "--repo", "file://" + empty);

    assertThat(absent.exitCode()).as(absent.toString()).isEqualTo(8);
    assertThat(absent.error().path("message").asText()).contains("no-such-dir");
    assertThat(notARepo.exitCode()).as(notARepo.toString()).isEqualTo(6);
    assertThat(notARepo.error().path("suggestion").asText()).contains("repo init");
    assertThat(Files.list(empty).count()).as("nothing written into a non-repository").isZero();
  }

  @Test
  void malformedArgumentsAreUsageErrors() {
    Cli.Result badUrl = Cli.run("list", "db1", "--repo", "nope://x");
    Cli.Result badFlag = Cli.run("backup", "db1", "--no-such-flag");
    Cli.Result badName = Cli.run("list", "Bad Name!", "--repo", repo);

    assertThat(badUrl.exitCode()).as(badUrl.toString()).isEqualTo(2);
    assertThat(badFlag.exitCode()).as(badFlag.toString()).isEqualTo(2);
    assertThat(badFlag.error().path("code").asText()).isEqualTo("usage.invalid");
    assertThat(badName.exitCode()).as(badName.toString()).isEqualTo(2);
  }

  @Test
  void nonEmptyRestoreTargetIsRefusedAndLeftUntouched() throws Exception {
    Cli.Result b =
        Cli.run(
            "backup", "db2", "--pg-connection", conninfo("backup", "right-secret"), "--repo", repo);
    assertThat(b.exitCode()).as(b.toString()).isZero();
    Path target = Files.createDirectories(work.resolve("busy-target"));
    Files.writeString(target.resolve("keep.txt"), "precious");

    Cli.Result r =
        Cli.run("restore", "db2", "latest", "--repo", repo, "--target", target.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
    assertThat(r.error().path("suggestion").asText()).contains("--force");
    assertThat(Files.list(target).map(p -> p.getFileName().toString())).containsExactly("keep.txt");
    assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("precious");
  }

  @Test
  void unknownBackupIdIsNotFound() {
    Cli.Result b =
        Cli.run(
            "backup", "db3", "--pg-connection", conninfo("backup", "right-secret"), "--repo", repo);
    assertThat(b.exitCode()).as(b.toString()).isZero();

    Cli.Result r = Cli.run("verify", "db3", "20200101T000000Z-aaaaaa", "--repo", repo);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
    assertThat(r.error().path("message").asText()).contains("20200101T000000Z-aaaaaa");
  }

  private void assertNoBackups() {
    Cli.Result list = Cli.run("list", "--repo", repo);
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.result().path("deployments").findValuesAsText("deployment"))
        .doesNotContain("db1");
  }
}
