package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.cli.config.CliConfig;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * {@code pg_hardstorage init} against a real PostgreSQL 16: {@code --quick} writes a configuration
 * without secrets that the other commands use, takes the first backup, and never overwrites; the
 * wizard takes its answers line by line from standard input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InitIT {
  private static final String SECRET = "backup-secret";

  PgCluster pg;
  Path work;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-init-");
    pg = PgCluster.builder(16).in(work.resolve("pg")).start();
    pg.createRole("backup", SECRET, true);
  }

  @AfterAll
  void tearDown() {
    if (pg != null) {
      pg.close();
    }
    Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
  }

  /** libpq's variables naming the test server and role, and a home without ~/.pgpass. */
  private Map<String, String> libpqEnvironment() {
    return Map.of(
        "PGHOST",
        "127.0.0.1",
        "PGPORT",
        String.valueOf(pg.port()),
        "PGUSER",
        "backup",
        "HOME",
        work.resolve("home").toString());
  }

  private String conninfo() {
    return "host=127.0.0.1 port=" + pg.port() + " user=backup dbname=postgres";
  }

  @Test
  void quickWritesTheConfigurationTakesTheFirstBackupAndNeverOverwrites() throws Exception {
    Path config = work.resolve("quick/pg_hardstorage.yml");
    String repo = "file://" + work.resolve("quick-repo");
    Cli.Result r = quick(repo, config);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    String deployment = "local-" + pg.port();
    JsonNode result = r.result();
    assertThat(result.path("deployment").asText()).isEqualTo(deployment);
    assertThat(result.path("postgres_version").asText()).startsWith("16.");
    assertThat(result.path("repository_created").asBoolean()).isTrue();
    assertThat(result.path("next_steps").toString())
        .contains("wal stream " + deployment)
        .contains("backup " + deployment)
        .contains("status")
        .contains("PGPASSWORD");
    assertThat(r.stdout() + r.stderr()).doesNotContain(SECRET);

    String text = Files.readString(config);
    assertThat(text).doesNotContain(SECRET).doesNotContain("password");
    CliConfig read = CliConfig.read(config);
    assertThat(read.repository()).isEqualTo(repo);
    DeploymentConfig d = read.deployment(deployment).orElseThrow();
    assertThat(d.connection())
        .startsWith("host=127.0.0.1 port=" + pg.port() + " user=backup dbname=postgres");

    String backupId = result.path("backup").path("backup_id").asText();
    Cli.Result list = Cli.run("list", deployment, "--repo", repo);
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.result().path("backups").findValuesAsText("backup_id"))
        .containsExactly(backupId);
    Cli.Result viaConfig =
        Cli.run(Map.of("PGPASSWORD", SECRET), "list", deployment, "--config", config.toString());
    assertThat(viaConfig.exitCode()).as("the written file drives list: %s", viaConfig).isZero();

    FileTime modified = Files.getLastModifiedTime(config);
    Cli.Result again = quick(repo, config);
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(7);
    assertThat(again.error().path("code").asText()).isEqualTo("init.config_exists");
    assertThat(again.error().path("suggestion").asText()).contains("--config");
    assertThat(Files.readString(config)).isEqualTo(text);
    assertThat(Files.getLastModifiedTime(config)).isEqualTo(modified);
    assertThat(
            Cli.run("list", deployment, "--repo", repo)
                .result()
                .path("backups")
                .findValuesAsText("backup_id"))
        .as("no second backup")
        .containsExactly(backupId);
  }

  /** {@code init --quick} of the test server into {@code repo}, with {@code more} arguments. */
  private Cli.Result quick(String repo, Path config, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "init",
                "--quick",
                "--pg-connection",
                conninfo(),
                "--repo",
                repo,
                "--config",
                config.toString()));
    args.addAll(List.of(more));
    return Cli.run(Map.of("PGPASSWORD", SECRET), args.toArray(String[]::new));
  }

  @Test
  void quickNoticesTheServerIsAlreadyADeploymentOfTheRepository() throws Exception {
    String repo = "file://" + work.resolve("reuse-repo");
    Cli.Result r1 = quick(repo, work.resolve("reuse/first.yml"));
    assertThat(r1.exitCode()).as(r1.toString()).isZero();
    String deployment = r1.result().path("deployment").asText();
    assertThat(r1.result().path("existing_deployment").asBoolean()).isFalse();

    // another name for the same server: refused before anything is written
    Path second = work.resolve("reuse/second.yml");
    Cli.Result r2 = quick(repo, second, "--deployment", "other");
    assertThat(r2.exitCode()).as(r2.toString()).isEqualTo(7);
    assertThat(r2.error().path("code").asText()).isEqualTo("init.system_already_protected");
    assertThat(r2.error().path("message").asText()).contains("already deployment " + deployment);
    assertThat(r2.error().path("suggestion").asText()).contains("--deployment " + deployment);
    assertThat(second).doesNotExist();
    assertThat(
            Cli.run("list", "--repo", repo)
                .result()
                .path("deployments")
                .findValuesAsText("deployment"))
        .containsExactly(deployment);

    // without a name: the existing deployment is reused, and its backups continue
    Cli.Result r3 = quick(repo, second);
    assertThat(r3.exitCode()).as(r3.toString()).isZero();
    assertThat(r3.result().path("deployment").asText()).isEqualTo(deployment);
    assertThat(r3.result().path("existing_deployment").asBoolean()).isTrue();
    assertThat(Cli.run("list", deployment, "--repo", repo).result().path("backups")).hasSize(2);
  }

  @Test
  void theWizardTakesItsAnswersFromStandardInput() throws Exception {
    Path config = work.resolve("wizard/pg_hardstorage.yml");
    String repo = "file://" + work.resolve("wizard-repo");
    Map<String, String> env = new HashMap<>(libpqEnvironment());
    env.put("PGPASSWORD", SECRET);
    String answers =
        String.join(
            "\n",
            "", // the detected connection
            "wizard", // deployment name
            repo,
            config.toString(),
            "", // take the first backup: yes
            "", // go ahead: yes
            "");

    Cli.Result r = Cli.runWithInput(env, answers, "init");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr())
        .contains("Found PostgreSQL 16.")
        .contains("Deployment name")
        .doesNotContain(SECRET);
    JsonNode result = r.result();
    assertThat(result.path("deployment").asText()).isEqualTo("wizard");
    assertThat(result.path("detection").toString()).contains("PGHOST/PGPORT");
    CliConfig read = CliConfig.read(config);
    assertThat(read.deployment("wizard").orElseThrow().connection())
        .contains("port=" + pg.port())
        .contains("user=backup");
    assertThat(Files.readString(config)).doesNotContain(SECRET);
    Cli.Result list = Cli.run("list", "wizard", "--repo", repo);
    assertThat(list.result().path("backups").size()).as(list.toString()).isEqualTo(1);
  }

  @Test
  void theWizardAsksForARefusedPasswordAndKeepsItInAFileOnlyItsOwnerReads() throws Exception {
    Path config = work.resolve("asked/pg_hardstorage.yml");
    String repo = "file://" + work.resolve("asked-repo");
    Map<String, String> env = libpqEnvironment(); // no password: the server refuses
    String answers =
        String.join(
            "\n",
            "", // the suggested connection, which is refused without a password
            SECRET,
            "asked", // deployment name
            repo,
            config.toString(),
            "", // store the password: yes
            "n", // no backup now
            "", // go ahead: yes
            "");

    Cli.Result r = Cli.runWithInput(env, answers, "init");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr()).contains("Found none that works").contains("user=backup");
    assertThat(r.stdout() + r.stderr()).doesNotContain(SECRET);
    Path passwordFile = config.resolveSibling("asked.password");
    assertThat(r.result().path("password_file").asText()).isEqualTo(passwordFile.toString());
    assertThat(Files.readString(passwordFile)).isEqualTo(SECRET + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(config)).doesNotContain(SECRET).contains("password_file");

    Cli.Result backup = Cli.run(Map.of(), "backup", "asked", "--config", config.toString());
    assertThat(backup.exitCode()).as("the stored password lets backup in: %s", backup).isZero();
  }

  @Test
  void quickAgainstNoServerExitsUnreachableAndWritesNothing() throws Exception {
    Path config = work.resolve("none/pg_hardstorage.yml");
    Path repo = work.resolve("none-repo");
    int closed;
    try (var socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort(); // free once closed: nothing listens there
    }

    Cli.Result r =
        Cli.run(
            "init",
            "--quick",
            "--pg-connection",
            "host=127.0.0.1 port=" + closed + " user=backup dbname=postgres",
            "--repo",
            "file://" + repo,
            "--config",
            config.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(8);
    assertThat(r.error().path("message").asText()).contains("port=" + closed);
    assertThat(r.error().path("suggestion").asText()).isNotBlank();
    assertThat(config.getParent()).doesNotExist();
    assertThat(repo).doesNotExist();
  }
}
