package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * The operator surface, run as a user runs it: every command's output document, every output
 * format, the configuration file, and the documented exit codes of the error cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliCommandsIT {
  static final ObjectMapper JSON = new ObjectMapper();
  PgCluster pg;
  Path work;
  String repo;
  Path config;

  @BeforeAll
  void setUp() throws Exception {
    work = Locations.newRunDir("pghs-it-commands-");
    pg = PgCluster.builder(18).in(work.resolve("pg")).start();
    pg.createRole("backup", "backup-secret", true);
    pg.execute(
        "postgres", "CREATE TABLE t AS SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
    repo = "file://" + work.resolve("repo");
    Path password = work.resolve("db1.password");
    Files.writeString(password, "backup-secret\n");
    config = work.resolve("pg_hardstorage.yml");
    Files.writeString(
        config,
        "repository: "
            + repo
            + "\n"
            + "deployments:\n"
            + "  db1:\n"
            + "    connection: \"host=127.0.0.1 port="
            + pg.port()
            + " user=backup dbname=postgres\"\n"
            + "    password_file: "
            + password
            + "\n");
  }

  @AfterAll
  void tearDown() {
    if (pg != null) {
      pg.close();
    }
    Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(1));
  }

  Cli.Result run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = config.toString();
    return Cli.run(all);
  }

  @Test
  @Order(1)
  void versionAndCompletion() {
    Cli.Result v = run("version");
    assertThat(v.exitCode()).isZero();
    JsonNode doc = v.json();
    assertThat(doc.path("schema").asText()).isEqualTo("pg_hardstorage.v1");
    assertThat(doc.path("command").asText()).isEqualTo("version");
    assertThat(Instant.parse(doc.path("generated_at").asText()))
        .isBefore(Instant.now().plusSeconds(1));
    assertThat(doc.path("result").path("version").asText()).isEqualTo("0.1.0-SNAPSHOT");

    Cli.Result bash = run("completion", "bash");
    assertThat(bash.exitCode()).isZero();
    assertThat(bash.stdout())
        .contains("complete -F _complete_pg_hardstorage -o default pg_hardstorage");
    Cli.Result zsh = run("completion", "zsh");
    assertThat(zsh.stdout()).startsWith("autoload -U +X compinit");
    assertThat(run("completion", "fish").exitCode()).isEqualTo(2);
  }

  @Test
  @Order(2)
  void repositoryBackupAndListInEveryFormat() throws Exception {
    Cli.Result init = run("repo", "init", repo);
    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(init.result().path("format_version").asInt()).isEqualTo(1);
    Cli.Result info = run("repo", "info", "--repo", repo);
    assertThat(info.result().path("encryption").asText()).isEqualTo("none");
    // the URL as an argument, as the demo tutorial writes it; and the configuration's repository
    assertThat(run("repo", "info", repo).result().path("repository_id"))
        .isEqualTo(info.result().path("repository_id"));
    Cli.Result configured = run("repo", "info");
    assertThat(configured.exitCode()).as(configured.toString()).isZero();
    assertThat(configured.result().path("url").asText()).isEqualTo(repo);

    // the configuration file supplies connection, password and repository
    Cli.Result backup = run("backup", "db1", "--output", "ndjson");
    assertThat(backup.exitCode()).as(backup.toString()).isZero();
    List<JsonNode> events = ndjson(backup.stdout());
    assertThat(events)
        .extracting(e -> e.path("event").asText())
        .contains("progress")
        .endsWith("result");
    assertThat(events.get(events.size() - 1).path("result").path("backup_id").asText())
        .isNotBlank();
    String id = events.get(events.size() - 1).path("result").path("backup_id").asText();

    assertThat(run("list", "db1").result().path("backups").findValuesAsText("backup_id"))
        .containsExactly(id);
    // no deployment named: the configuration's top-level repository
    Cli.Result deployments = run("list");
    assertThat(deployments.exitCode()).as(deployments.toString()).isZero();
    assertThat(deployments.result().path("deployments").findValuesAsText("deployment"))
        .containsExactly("db1");
    assertThat(run("list", "db1", "-o", "yaml").stdout())
        .contains("schema: pg_hardstorage.v1")
        .contains("backup_id: " + id);
    assertThat(run("list", "db1", "-o", "csv").stdout().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("backup_id,");
    assertThat(run("list", "db1", "-o", "table").stdout()).contains("backup_id").contains(id);
    assertThat(run("list", "db1", "-o", "text").stdout()).contains(id);
    Cli.Result nd = run("list", "db1", "-o", "ndjson");
    assertThat(ndjson(nd.stdout()))
        .singleElement()
        .satisfies(e -> assertThat(e.path("event").asText()).isEqualTo("result"));
  }

  @Test
  @Order(3)
  void statusPreflightAuditAndDoctor() throws Exception {
    Cli.Result preflight = run("wal", "preflight", "db1");
    assertThat(preflight.exitCode()).as(preflight.toString()).isZero();
    assertThat(preflight.result().path("checks").findValuesAsText("status")).doesNotContain("FAIL");

    // A second backup with no streamer running, after a checkpoint (as checkpoint_timeout makes
    // one every few minutes): the backup's WAL starts at that checkpoint, and the WAL between the
    // two backups is in no one's hands, a gap before the newest backup that no backup can close.
    for (int i = 0; i < 3; i++) {
      pg.execute("postgres", "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 100) g");
      pg.execute("postgres", "SELECT pg_switch_wal()");
    }
    pg.execute("postgres", "CHECKPOINT");
    Cli.Result second = run("backup", "db1");
    assertThat(second.exitCode()).as(second.toString()).isZero();

    Cli.Result before = run("doctor");
    assertThat(before.exitCode()).as(before.toString()).isEqualTo(10);
    assertThat(before.result().path("findings").toString())
        .contains("no WAL is streamed")
        .contains("no backup has been verified");
    // a warning whose fix is to start the streamer, not a failure no new backup can clear
    JsonNode continuity = finding(before, "WAL continuity");
    assertThat(continuity.path("status").asText()).as(continuity.toString()).isEqualTo("WARN");
    assertThat(continuity.path("suggestion").asText())
        .contains("start the WAL streamer (pg_hardstorage wal stream db1");

    assertThat(run("verify", "db1", "latest").exitCode()).isZero();
    try (Cli.Background streamer =
        Cli.start(
            work.resolve("stream.log"),
            "wal",
            "stream",
            "db1",
            "--config",
            config.toString(),
            "--output",
            "ndjson",
            "--status-interval",
            "0.2")) {
      StreamedCluster.awaitDurable(
          streamer, pg.queryValue("postgres", "SELECT pg_current_wal_insert_lsn()"));
      Cli.Result status = run("status");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      JsonNode db1 = status.result().path("deployments").get(0);
      assertThat(db1.path("deployment").asText()).isEqualTo("db1");
      assertThat(db1.path("streamer_up").asBoolean()).as(db1.toString()).isTrue();
      assertThat(db1.path("summary").path("backups").asInt()).isEqualTo(2);
      assertThat(db1.path("summary").path("wal_gaps_newest_backup_needs")).isEmpty();
      assertThat(db1.path("health").path("status").asText()).as(db1.toString()).isNotEqualTo("red");
      assertThat(db1.path("health").path("reasons").toString())
          .doesNotContain("streamer receives the WAL");

      Cli.Result after = run("doctor");
      // everything passes now; only this machine's free disk is outside the test's control
      List<String> issues = new java.util.ArrayList<>();
      after
          .result()
          .path("findings")
          .forEach(
              f -> {
                if (!f.path("status").asText().equals("PASS")
                    && !f.path("check").asText().equals("free disk")) {
                  issues.add(f.toString());
                }
              });
      assertThat(issues).as(after.toString()).isEmpty();
      assertThat(after.exitCode()).isIn(0, 10);
      // SIGTERM, as systemctl stop sends it: a clean stop, exit 0, with the final figures
      assertThat(streamer.terminate()).as(streamer.output()).isZero();
      assertThat(ndjson(streamer.output()))
          .last()
          .satisfies(e -> assertThat(e.path("event").asText()).isEqualTo("result"));
    }
    assertThat(run("repo", "locks").result()).as("the streamer released its lock").isEmpty();
    // The gap between the backups stays (only rotation removes it), and it is the only one: the
    // streamer left none after the newest backup.
    Cli.Result audit = run("wal", "audit", "db1");
    assertThat(audit.exitCode()).as(audit.toString()).isEqualTo(9);
    assertThat(audit.result().path("gaps")).isNotEmpty();
    assertThat(audit.result().path("gaps").findValuesAsText("impact"))
        .containsOnly("BEFORE_NEWEST_BACKUP");
  }

  static JsonNode finding(Cli.Result doctor, String check) {
    for (JsonNode f : doctor.result().path("findings")) {
      if (f.path("check").asText().equals(check)) {
        return f;
      }
    }
    throw new AssertionError("no finding " + check + " in " + doctor);
  }

  @Test
  @Order(4)
  void errorsHaveTheirExitCodesAndWriteNothing() throws Exception {
    Cli.Result badFlag = run("status", "--frobnicate");
    assertThat(badFlag.exitCode()).isEqualTo(2);
    assertThat(badFlag.error().path("code").asText()).isEqualTo("usage.invalid");
    assertThat(badFlag.error().path("suggestion").asText()).contains("--help");

    Cli.Result unknown = run("backup", "nosuchdb");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(6);
    assertThat(unknown.error().path("code").asText()).isEqualTo("deployment.unknown");
    assertThat(unknown.error().path("suggestion").asText()).contains("db1");

    Cli.Result unreachable =
        Cli.run("list", "db1", "--repo", "file://" + work.resolve("unmounted"));
    assertThat(unreachable.exitCode()).isEqualTo(8);

    Path newer = work.resolve("newer-repo");
    Cmd.check(
        List.of("cp", "-a", work.resolve("repo").toString(), newer.toString()),
        Duration.ofMinutes(1));
    JsonNode cfg = JSON.readTree(newer.resolve("config").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) cfg).put("format", 2);
    Files.write(newer.resolve("config"), JSON.writeValueAsBytes(cfg));
    byte[] configBefore = Files.readAllBytes(newer.resolve("config"));
    long objectsBefore = count(newer);
    Cli.Result tooNew =
        Cli.run(
            "backup",
            "db1",
            "--repo",
            "file://" + newer,
            "--pg-connection",
            pg.connInfo("backup", "backup-secret", "postgres"));
    assertThat(tooNew.exitCode()).as(tooNew.toString()).isEqualTo(4);
    assertThat(tooNew.error().path("code").asText()).isEqualTo("repo.format_too_new");
    assertThat(Files.readAllBytes(newer.resolve("config"))).isEqualTo(configBefore);
    assertThat(count(newer)).isEqualTo(objectsBefore);

    Cli.Result noSuchBackup =
        run(
            "restore",
            "db1",
            "20200101T000000Z-aaaaaa",
            "--target",
            work.resolve("never").toString());
    assertThat(noSuchBackup.exitCode()).isEqualTo(6);
    assertThat(work.resolve("never")).doesNotExist();
  }

  @Test
  @Order(5)
  void aDamagedIndexFileIsReportedThenRebuiltAndNoLockIsLeft() throws Exception {
    Path indexFile;
    try (var files = Files.list(work.resolve("repo/index"))) {
      indexFile = files.sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(indexFile);
    bytes[bytes.length / 2] ^= 0x04;
    Files.write(indexFile, bytes);
    String key = "index/" + indexFile.getFileName();

    Cli.Result verify = run("verify", "db1", "latest");
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.result().toString()).contains("INDEX_DAMAGED").contains(key);

    Cli.Result rebuild = run("repo", "index", "rebuild", "--repo", repo);
    assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();
    // An index file is named by its content's hash: when the rebuild lists the same packs the same
    // way it writes that very object again (replaced), otherwise it deletes the damaged one.
    List<String> removed = texts(rebuild.result().path("damaged_index_objects_removed"));
    List<String> replaced = texts(rebuild.result().path("damaged_index_objects_replaced"));
    assertThat(removed.size() + replaced.size()).as(rebuild.toString()).isEqualTo(1);
    assertThat(rebuild.result().path("packs_indexed").asInt()).isPositive();
    assertThat(rebuild.result().path("complete").asBoolean()).isTrue();
    if (removed.contains(key)) {
      assertThat(indexFile).doesNotExist();
    } else {
      assertThat(replaced).containsExactly(key);
      assertThat(indexFile).exists();
      assertThat(Files.readAllBytes(indexFile)).isNotEqualTo(bytes);
    }

    Cli.Result again = run("verify", "db1", "latest");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.result().toString()).doesNotContain("INDEX_DAMAGED");

    assertThat(run("repo", "locks", "--repo", repo).result()).isEmpty();
    Cli.Result unlock = run("repo", "unlock", "--repo", repo);
    assertThat(unlock.exitCode()).as(unlock.toString()).isZero();
    assertThat(unlock.result().path("removed")).isEmpty();
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static long count(Path dir) throws Exception {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  static List<JsonNode> ndjson(String text) {
    return text.lines()
        .filter(l -> l.startsWith("{"))
        .map(
            l -> {
              try {
                return JSON.readTree(l);
              } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
              }
            })
        .toList();
  }
}
