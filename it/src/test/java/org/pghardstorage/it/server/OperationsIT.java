package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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
import org.pghardstorage.devstack.ServerStack;
import org.pghardstorage.it.cli.Cli;

/**
 * The server operating a real protected PostgreSQL over its REST API: a deployment created with a
 * password file reference, its streamer supervised on the managed executor, base-backup and verify
 * batch jobs, the catalogue, a restore plan equal to the command line's preview, roles and API
 * tokens. The steps build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern LAG =
      Pattern.compile("(?m)^pg_hardstorage_wal_lag_bytes\\{deployment=\"db1\"[^}]*\\} \\d");
  private static final Pattern STREAMER_UP =
      Pattern.compile("(?m)^pg_hardstorage_streamer_up\\{deployment=\"db1\"[^}]*\\} 1(\\.0)?$");

  private static final Pattern MISSED =
      Pattern.compile(
          "(?m)^pg_hardstorage_schedule_missed_total\\{deployment=\"db1\",job=\"rotate\"[^}]*\\}"
              + " 1(\\.0)?$");

  private ServerStack server;
  private Path work;
  private PgCluster pg;
  private String repo;
  private String backupId;
  private Path passwordFile;

  @BeforeAll
  void setUp() {
    server = TestServer.get();
    work = Locations.newRunDir("pghs-it-ops-");
    pg = PgCluster.builder(18).in(work.resolve("db1")).start();
    pg.createRole("backup", "backup-secret", true);
    pg.execute(
        "postgres", "CREATE TABLE markers (id int PRIMARY KEY, at timestamptz DEFAULT now())");
    repo = "file://" + work.resolve("repo");
    Cli.Result init = Cli.run("repo", "init", repo);
    assertThat(init.exitCode()).as(init.toString()).isZero();
    // the password lives in a file only the server's OS user reads, in the directory the server
    // accepts secrets from; the catalogue holds its path
    passwordFile = server.secretsDir().resolve("db1.password");
    try {
      java.nio.file.Files.writeString(passwordFile, "backup-secret\n");
      java.nio.file.Files.setPosixFilePermissions(
          passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  void tearDown() {
    if (pg != null) {
      pg.close();
    }
    if (!Boolean.getBoolean("pghs.it.keep")) {
      Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
    }
  }

  @Test
  @Order(1)
  void aDeploymentCreatedOverRestStreamsAndReportsItsLag() throws Exception {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "db1");
    spec.put("conninfo", "host=127.0.0.1 port=" + pg.port() + " user=backup dbname=postgres");
    spec.put("password_ref", "file:" + passwordFile);
    spec.put("repository_url", repo);

    HttpResponse<String> withPassword =
        TestServer.send(
            "POST",
            "/api/v1/deployments",
            server.admin(),
            spec.deepCopy()
                .put("conninfo", spec.get("conninfo").asText() + " password=x")
                .toString());
    HttpResponse<String> outsideSecrets =
        TestServer.send(
            "POST",
            "/api/v1/deployments",
            server.admin(),
            spec.deepCopy().put("password_ref", "file:" + work.resolve("db1.password")).toString());
    HttpResponse<String> catalogueAlias =
        TestServer.send(
            "POST",
            "/api/v1/deployments",
            server.admin(),
            spec.deepCopy().put("password_ref", "alias:pghs-catalogue-password").toString());
    HttpResponse<String> byOperator =
        TestServer.send("POST", "/api/v1/deployments", server.operator(), spec.toString());
    HttpResponse<String> created =
        TestServer.send("POST", "/api/v1/deployments", server.admin(), spec.toString());

    assertThat(withPassword.statusCode()).as(withPassword.body()).isEqualTo(400);
    assertThat(json(withPassword).path("code").asText())
        .isEqualTo("deployment.password_in_conninfo");
    for (HttpResponse<String> refused : List.of(outsideSecrets, catalogueAlias)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(json(refused).path("code").asText()).isEqualTo("deployment.secret_not_allowed");
    }
    assertThat(outsideSecrets.body()).contains("file:" + work.resolve("db1.password"));
    assertThat(catalogueAlias.body()).contains("pghs.secrets.alias.prefixes");
    assertThat(byOperator.statusCode()).isEqualTo(403);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).path("slot").asText()).isEqualTo("pg_hardstorage_db1");
    assertThat(created.body()).doesNotContain("backup-secret");

    JsonNode streamer =
        await(
            "the streamer streams",
            () ->
                json(
                    TestServer.send(
                        "GET", "/api/v1/deployments/db1/streamer", server.viewer(), null)),
            s -> s.path("status").path("state").asText().equals("STREAMING"));
    assertThat(streamer.path("lease_holder").asText())
        .isEqualTo(streamer.path("this_instance").asText());
    await(
        "lag metrics are exported",
        () -> metrics(),
        m -> LAG.matcher(m).find() && STREAMER_UP.matcher(m).find());
  }

  @Test
  @Order(2)
  void authenticationAndRolesGuardJobs() {
    String body = "{\"job\":\"base-backup\",\"deployment\":\"db1\"}";

    assertThat(TestServer.send("POST", "/api/v1/jobs", null, body).statusCode()).isEqualTo(401);
    assertThat(TestServer.send("GET", "/api/v1/deployments", null, null).statusCode())
        .isEqualTo(401);
    HttpResponse<String> viewer = TestServer.send("POST", "/api/v1/jobs", server.viewer(), body);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(json(viewer).path("code").asText()).isEqualTo("auth.forbidden");
  }

  @Test
  @Order(3)
  void aBackupJobStartedByAnOperatorCompletesAndIsCataloguedWithItsLsns() {
    for (int i = 1; i <= 50; i++) {
      pg.execute("postgres", "INSERT INTO markers (id) VALUES (" + i + ")");
    }
    String body = "{\"job\":\"base-backup\",\"deployment\":\"db1\"}";
    HttpResponse<String> started = TestServer.send("POST", "/api/v1/jobs", server.operator(), body);
    HttpResponse<String> second = TestServer.send("POST", "/api/v1/jobs", server.operator(), body);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
    assertThat(json(second).path("code").asText()).isEqualTo("job.already_running");
    long run = json(started).path("id").asLong();
    JsonNode done = awaitJob(run);
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.path("actor").asText()).isEqualTo("operator");
    backupId = done.path("result").asText();

    JsonNode page =
        json(
            TestServer.send(
                "GET", "/api/v1/deployments/db1/backups?limit=10", server.viewer(), null));
    assertThat(page.path("items")).hasSize(1);
    JsonNode b = page.path("items").get(0);
    assertThat(b.path("backup_id").asText()).isEqualTo(backupId);
    assertThat(b.path("start_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(b.path("stop_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(page.has("next") && !page.path("next").isNull()).isFalse();
  }

  @Test
  @Order(4)
  void aVerifyJobPassesAndItsVerdictIsRecorded() {
    HttpResponse<String> started =
        TestServer.send(
            "POST",
            "/api/v1/jobs",
            server.operator(),
            "{\"job\":\"verify\",\"deployment\":\"db1\",\"parameters\":{\"checkpointEvery\":\"8\"}}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);

    JsonNode done = awaitJob(json(started).path("id").asLong());

    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.path("result").asText()).startsWith("passed: backup " + backupId);
    assertThat(done.path("progress_done").asLong())
        .isEqualTo(done.path("progress_total").asLong())
        .isPositive();
    JsonNode b =
        json(
            TestServer.send(
                "GET", "/api/v1/deployments/db1/backups/" + backupId, server.viewer(), null));
    assertThat(b.path("verify_ok").asBoolean()).isTrue();
    JsonNode record =
        json(
            TestServer.send(
                "GET",
                "/api/v1/deployments/db1/backups/" + backupId + "/verification",
                server.viewer(),
                null));
    assertThat(record.toString()).contains(backupId);
    HttpResponse<String> console = ConsoleSession.signIn(server.viewer()).get("/console/");
    assertThat(console.body()).contains("db1").contains("STREAMING").contains("passed");
  }

  @Test
  @Order(5)
  void aRestorePlanForATimeTargetIsExactlyTheCommandLinesPreview() throws Exception {
    pg.execute("postgres", "INSERT INTO markers (id) VALUES (1000)");
    String time =
        pg.queryValue(
            "postgres",
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    pg.execute("postgres", "SELECT pg_switch_wal()");
    Thread.sleep(3000); // let the streamer make the switch durable, so both see the same WAL
    String target = work.resolve("restored").toString();
    String launcher = Cli.launcher().toString();

    Cli.Result cli =
        Cli.run(
            "restore",
            "db1",
            "latest",
            "--to",
            time,
            "--target",
            target,
            "--preview",
            "--repo",
            repo);
    ObjectNode body = JSON.createObjectNode();
    body.put("backup", "latest");
    body.put("target", target);
    body.put("time", time);
    body.put("launcher", launcher);
    HttpResponse<String> rest =
        TestServer.send(
            "POST", "/api/v1/deployments/db1/restore-plans", server.viewer(), body.toString());

    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(201);
    assertThat(cli.json().path("result").isMissingNode()).as(cli.toString()).isFalse();
    assertThat(json(rest)).isEqualTo(cli.result());
    assertThat(json(rest).path("backup_id").asText()).isEqualTo(backupId);

    // the plan is kept: whoever restores later reads exactly what was reviewed
    String location = rest.headers().firstValue("Location").orElseThrow();
    String path = URI.create(location).getPath();
    assertThat(path).matches("/api/v1/deployments/db1/restore-plans/\\d+");
    HttpResponse<String> kept = TestServer.send("GET", path, server.viewer(), null);
    assertThat(kept.statusCode()).isEqualTo(200);
    assertThat(kept.body()).isEqualTo(rest.body());
    JsonNode listed =
        json(TestServer.send("GET", "/api/v1/deployments/db1/restore-plans", server.viewer(), null))
            .path("items")
            .get(0);
    assertThat(listed.path("id").asText()).isEqualTo(path.substring(path.lastIndexOf('/') + 1));
    assertThat(listed.path("requested_by").asText()).isEqualTo(server.viewer().name());
    assertThat(listed.path("ready").asBoolean()).isTrue();
    assertThat(json(listed.path("request").asText()).path("time").asText()).isEqualTo(time);
    assertThat(
            TestServer.send(
                    "GET", "/api/v1/deployments/db1/restore-plans/999999", server.viewer(), null)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(6)
  void anItsmSystemAuthenticatesWithAnApiTokenThatCarriesItsRole() {
    HttpResponse<String> byOperator =
        TestServer.send(
            "POST",
            "/api/v1/tokens",
            server.operator(),
            "{\"name\":\"itsm\",\"role\":\"operator\"}");
    HttpResponse<String> created =
        TestServer.send(
            "POST", "/api/v1/tokens", server.admin(), "{\"name\":\"itsm\",\"role\":\"operator\"}");
    assertThat(byOperator.statusCode()).isEqualTo(403);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String token = json(created).path("token").asText();

    assertThat(bearer("GET", "/api/v1/jobs?deployment=db1", token, null).statusCode())
        .isEqualTo(200);
    assertThat(bearer("POST", "/api/v1/catalogue/rebuild", token, null).statusCode())
        .as("an operator token cannot rebuild the catalogue")
        .isEqualTo(403);
    assertThat(bearer("GET", "/api/v1/jobs", "pghs_not-a-token", null).statusCode()).isEqualTo(401);
    assertThat(TestServer.send("GET", "/api/v1/tokens", server.admin(), null).body())
        .contains("itsm")
        .doesNotContain(token);

    assertThat(TestServer.send("DELETE", "/api/v1/tokens/itsm", server.admin(), null).statusCode())
        .isEqualTo(204);
    assertThat(bearer("GET", "/api/v1/jobs", token, null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(7)
  void theCatalogueRebuildsFromTheRepository() {
    server.catalogue().execute("pghs_catalogue", "DELETE FROM backup");
    HttpResponse<String> rebuilt =
        TestServer.send("POST", "/api/v1/catalogue/rebuild", server.admin(), null);

    assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
    // The server is shared by every server test of this JVM: other deployments' backups (the
    // console tests') may be rebuilt too, so the report is checked against what the catalogue now
    // holds, and db1's backups exactly (below).
    assertThat(json(rebuilt).path("backups").asInt())
        .isEqualTo(
            Integer.parseInt(
                server.catalogue().queryValue("pghs_catalogue", "SELECT count(*) FROM backup")))
        .isPositive();
    assertThat(
            json(TestServer.send("GET", "/api/v1/deployments/db1/backups", server.viewer(), null))
                .path("items")
                .get(0)
                .path("backup_id")
                .asText())
        .isEqualTo(backupId);

    server.catalogue().execute("pghs_catalogue", "DELETE FROM backup");
    Cli.Result cli =
        Cli.run(
            Map.of(
                "PGHS_SERVER", server.baseUrl(),
                "PGHS_SERVER_USER", server.admin().name(),
                "PGHS_SERVER_PASSWORD", server.admin().password()),
            "catalogue",
            "rebuild",
            "--deployment",
            "db1",
            "-o",
            "json");
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.result().path("deployments").asInt()).isEqualTo(1);
    assertThat(cli.result().path("backups").asInt()).isEqualTo(1);
    assertThat(backupIds()).containsExactly(backupId);
  }

  @Test
  @Order(8)
  void theOpenApiDocumentDescribesTheApi() {
    HttpResponse<String> r = TestServer.send("GET", "/openapi", null, null, "application/json");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("/v1/jobs").contains("/v1/deployments/{d}/restore-plans");
  }

  @Test
  @Order(11)
  void aVerifyJobInterruptedByAServerKillResumesFromItsCheckpoint() {
    HttpResponse<String> started =
        TestServer.send(
            "POST",
            "/api/v1/jobs",
            server.operator(),
            "{\"job\":\"verify\",\"deployment\":\"db1\",\"parameters\":"
                + "{\"checkpointEvery\":\"10\",\"unitPauseMillis\":\"30\"}}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    long run = json(started).path("id").asLong();
    JsonNode before =
        await(
            "the verify job checkpoints a few times",
            () -> json(TestServer.send("GET", "/api/v1/jobs/" + run, server.viewer(), null)),
            j -> j.path("progress_done").asLong() >= 50);
    assertThat(before.path("progress_done").asLong())
        .isLessThan(before.path("progress_total").asLong());

    // a run another server instance owns and still beats the heartbeat of
    long foreign =
        Long.parseLong(
            server
                .catalogue()
                .queryValue(
                    "pghs_catalogue",
                    "INSERT INTO job_run (job, deployment, actor, trigger, state, server,"
                        + " heartbeat_at) VALUES ('rotate', 'db1', 'operator', 'api', 'running',"
                        + " 'other-host:/domains/pghs', now()) RETURNING id"));
    // a rotate schedule due half an hour ago, when (as its mark will say) the server was down
    ZonedDateTime due = ZonedDateTime.now().minusMinutes(30);
    ObjectNode spec =
        (ObjectNode) json(TestServer.send("GET", "/api/v1/deployments/db1", server.viewer(), null));
    spec.put("rotate_schedule", due.getMinute() + " " + due.getHour() + " * * *");
    HttpResponse<String> put =
        TestServer.send("PUT", "/api/v1/deployments/db1", server.admin(), spec.toString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    // a deployment whose password is a Payara password alias, created while the server runs;
    // Payara reads its alias store when it starts (test 13 connects with it)
    server
        .domain()
        .asadminWithPasswords(
            Map.of("AS_ADMIN_ALIASPASSWORD", "backup-secret"),
            "create-password-alias",
            "pghs-secret-it-db2");
    ObjectNode db2 = JSON.createObjectNode();
    db2.put("name", "db2");
    db2.put("conninfo", "host=127.0.0.1 port=" + pg.port() + " user=backup dbname=postgres");
    db2.put("password_ref", "alias:pghs-secret-it-db2");
    db2.put("repository_url", repo);
    db2.put("streaming", false);
    HttpResponse<String> created =
        TestServer.send("POST", "/api/v1/deployments", server.admin(), db2.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    server.domain().kill();
    // while the server is down: its schedule was last handled an hour ago
    assertThat(
            server
                .catalogue()
                .query(
                    "pghs_catalogue",
                    "UPDATE schedule_mark SET handled_until = now() - interval '1 hour'"
                        + " WHERE deployment = 'db1' AND kind = 'rotate' RETURNING cron"))
        .as("the schedule's mark, set when its timer was")
        .hasSize(1);
    server.domain().start();
    server.domain().awaitHttp("/api/v1/health", 200, Duration.ofMinutes(6));

    JsonNode done = awaitJob(run);
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.path("result").asText()).startsWith("passed");
    assertThat(done.path("execution_id").asLong())
        .as("a new execution of the same job instance")
        .isNotEqualTo(before.path("execution_id").asLong());
    JsonNode events =
        json(
            TestServer.send(
                "GET", "/api/v1/events?deployment=db1&limit=100", server.viewer(), null));
    String resumed =
        events.path("items").findValuesAsText("message").stream()
            .filter(m -> m.contains("resumed from its checkpoint"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no job.resumed event in " + events));
    long at = Long.parseLong(resumed.replaceAll(".* at unit (\\d+) of .*", "$1"));
    assertThat(at)
        .as("resumed past the start, before the end")
        .isPositive()
        .isLessThan(before.path("progress_total").asLong());

    assertThat(jobRun(foreign).path("state").asText())
        .as("recovery leaves another instance's run alone")
        .isEqualTo("running");
    assertThat(jobRun(foreign).path("server").asText()).isEqualTo("other-host:/domains/pghs");
    await(
        "the occurrence that fell into the downtime is reported",
        () -> missedRotations(),
        missed -> !missed.isEmpty());
    await("the missed schedule is counted", () -> metrics(), m -> MISSED.matcher(m).find());

    // that instance falls silent: after five minutes without a heartbeat its run is failed
    server
        .catalogue()
        .execute(
            "pghs_catalogue",
            "UPDATE job_run SET heartbeat_at = now() - interval '10 minutes' WHERE id = "
                + foreign);
    JsonNode abandoned =
        await(
            "the silent instance's run is failed",
            () -> jobRun(foreign),
            j -> !j.path("state").asText().equals("running"));
    assertThat(abandoned.path("state").asText()).isEqualTo("failed");
    assertThat(abandoned.path("error").asText())
        .contains("server instance other-host:/domains/pghs")
        .contains("silent since");
    assertThat(missedRotations())
        .as("reported once, not again by the minutely checks since")
        .hasSize(1)
        .allSatisfy(m -> assertThat(m).contains("did not run"));

    spec.putNull("rotate_schedule");
    assertThat(
            TestServer.send("PUT", "/api/v1/deployments/db1", server.admin(), spec.toString())
                .statusCode())
        .isEqualTo(200);
  }

  private List<String> missedRotations() {
    return json(
            TestServer.send(
                "GET", "/api/v1/events?deployment=db1&limit=200", server.viewer(), null))
        .path("items")
        .findValuesAsText("message")
        .stream()
        .filter(m -> m.startsWith("the rotate scheduled for "))
        .toList();
  }

  private JsonNode jobRun(long id) {
    return json(TestServer.send("GET", "/api/v1/jobs/" + id, server.viewer(), null));
  }

  @Test
  @Order(9)
  void aBackupScheduleStartsTheJobByItself() {
    JsonNode d = json(TestServer.send("GET", "/api/v1/deployments/db1", server.viewer(), null));
    ObjectNode spec = (ObjectNode) d.deepCopy();
    spec.put("backup_schedule", "* * * * *");
    HttpResponse<String> put =
        TestServer.send("PUT", "/api/v1/deployments/db1", server.admin(), spec.toString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    try {
      JsonNode scheduled =
          await(
              "a scheduled backup starts",
              () ->
                  json(
                      TestServer.send("GET", "/api/v1/jobs?deployment=db1", server.viewer(), null)),
              p -> p.path("items").findValuesAsText("trigger").contains("schedule"));
      JsonNode run = scheduled.path("items").get(0);
      assertThat(run.path("actor").asText()).isEqualTo("scheduler");
      assertThat(awaitJob(run.path("id").asLong()).path("state").asText()).isEqualTo("completed");
    } finally {
      spec.putNull("backup_schedule");
      TestServer.send("PUT", "/api/v1/deployments/db1", server.admin(), spec.toString());
    }
  }

  @Test
  @Order(10)
  void rotationsDryRunListsWhatApplyThenDeletesExactly() throws Exception {
    JsonNode d = json(TestServer.send("GET", "/api/v1/deployments/db1", server.viewer(), null));
    ObjectNode spec = (ObjectNode) d.deepCopy();
    spec.putObject("keep")
        .put("hourly", 0)
        .put("daily", 1)
        .put("weekly", 0)
        .put("monthly", 0)
        .put("yearly", 0);
    assertThat(
            TestServer.send("PUT", "/api/v1/deployments/db1", server.admin(), spec.toString())
                .statusCode())
        .isEqualTo(200);
    List<String> before = backupIds();
    assertThat(before).as("the schedule added a backup").hasSizeGreaterThanOrEqualTo(2);

    JsonNode dry = runJob("{\"job\":\"rotate\",\"deployment\":\"db1\"}");
    // the one rotation document, as pg_hardstorage rotate -o json prints it
    JsonNode plan = JSON.readTree(dry.path("result").asText());
    assertThat(plan.path("applied").asBoolean()).isFalse();
    List<String> wouldDelete = deletedRows(plan);
    assertThat(wouldDelete).hasSize(before.size() - 1).doesNotContain(before.get(0));
    assertThat(plan.path("backups_deleted").asInt()).isEqualTo(wouldDelete.size());
    assertThat(backupIds()).as("a dry run deletes nothing").isEqualTo(before);

    JsonNode applied =
        runJob("{\"job\":\"rotate\",\"deployment\":\"db1\",\"parameters\":{\"apply\":\"true\"}}");
    JsonNode result = JSON.readTree(applied.path("result").asText());
    assertThat(result.path("applied").asBoolean()).isTrue();
    assertThat(deletedRows(result)).containsExactlyInAnyOrderElementsOf(wouldDelete);
    assertThat(backupIds()).containsExactly(before.get(0));
  }

  /** The ids of the rows a rotation document marks {@code delete}. */
  private static List<String> deletedRows(JsonNode rotation) {
    List<String> ids = new java.util.ArrayList<>();
    rotation
        .path("backups")
        .forEach(
            b -> {
              if (b.path("action").asText().equals("delete")) {
                ids.add(b.path("backup_id").asText());
              }
            });
    return ids;
  }

  /**
   * The on-call engineer's command line against the server ({@code --server}): status, list and
   * jobs come from the REST API, with credentials from the environment or a file only, and the
   * server's refusals become the documented exit codes.
   */
  @Test
  @Order(12)
  void theCommandLineReadsStatusListAndJobsFromTheServer() {
    Map<String, String> operator =
        Map.of(
            "PGHS_SERVER", server.baseUrl(),
            "PGHS_SERVER_USER", server.operator().name(),
            "PGHS_SERVER_PASSWORD", server.operator().password());

    Cli.Result status = Cli.run(operator, "status", "db1", "-o", "json");
    assertThat(status.exitCode()).as(status.toString()).isZero();
    JsonNode row = status.result().path("deployments").get(0);
    assertThat(row.path("deployment").asText()).isEqualTo("db1");
    assertThat(row.path("streamer_up").asBoolean()).as(row.toString()).isTrue();
    assertThat(row.path("streamer_status").path("state").asText()).isEqualTo("STREAMING");
    assertThat(row.path("last_backup").asText()).isNotBlank();
    // the server judged it by the one health model and sent the same document the CLI prints
    assertThat(row.path("health").path("status").asText()).as(row.toString()).isNotEqualTo("red");
    assertThat(row.path("health").path("rpo_seconds").isNumber()).as(row.toString()).isTrue();
    assertThat(row.path("health").path("reasons").toString())
        .doesNotContain("streamer receives the WAL");

    Cli.Result started =
        Cli.run(operator, "jobs", "start", "base-backup", "db1", "--wait", "-o", "json");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    JsonNode run = started.result();
    assertThat(run.path("state").asText()).isEqualTo("completed");
    assertThat(run.path("actor").asText()).isEqualTo("operator");
    String newest = run.path("result").asText();

    Cli.Result list = Cli.run(operator, "list", "db1", "-o", "json");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.result().path("backups").findValuesAsText("backup_id"))
        .as("the catalogue, newest first")
        .startsWith(newest)
        .containsExactlyInAnyOrderElementsOf(backupIds());

    Cli.Result jobs = Cli.run(operator, "jobs", "list", "--deployment", "db1", "-o", "json");
    assertThat(jobs.exitCode()).as(jobs.toString()).isZero();
    assertThat(jobs.result().path("jobs").get(0).path("id").asLong())
        .isEqualTo(run.path("id").asLong());
    Cli.Result shown = Cli.run(operator, "jobs", "show", run.path("id").asText(), "-o", "json");
    assertThat(shown.result().path("result").asText()).isEqualTo(newest);

    Cli.Result asViewer =
        Cli.run(
            Map.of(
                "PGHS_SERVER", server.baseUrl(),
                "PGHS_SERVER_USER", server.viewer().name(),
                "PGHS_SERVER_PASSWORD", server.viewer().password()),
            "jobs",
            "start",
            "verify",
            "db1",
            "-o",
            "json");
    assertThat(asViewer.exitCode()).as(asViewer.toString()).isEqualTo(3);
    assertThat(asViewer.error().path("code").asText()).isEqualTo("auth.forbidden");

    Cli.Result wrongPassword =
        Cli.run(
            Map.of(
                "PGHS_SERVER", server.baseUrl(),
                "PGHS_SERVER_USER", server.operator().name(),
                "PGHS_SERVER_PASSWORD", "not-" + server.operator().password()),
            "status",
            "-o",
            "json");
    assertThat(wrongPassword.exitCode()).as(wrongPassword.toString()).isEqualTo(3);
    assertThat(wrongPassword.stdout()).doesNotContain(server.operator().password());

    Cli.Result unknown = Cli.run(operator, "list", "no-such-db", "-o", "json");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(6);

    Cli.Result nobody = Cli.run("status", "--server", "http://127.0.0.1:1", "-o", "json");
    assertThat(nobody.exitCode()).as(nobody.toString()).isEqualTo(8);
    assertThat(nobody.error().path("code").asText()).isEqualTo("server.unreachable");
  }

  /**
   * A deployment whose password is a Payara password alias (created before the restart in the
   * previous test) connects; a reference to an alias that does not exist is a precise 400 naming
   * the reference, never a value.
   */
  @Test
  @Order(13)
  void aPasswordAliasResolvesAndAMissingOneIsNamed() {
    HttpResponse<String> tested =
        TestServer.send("POST", "/api/v1/deployments/db2/connection-test", server.operator(), "");
    assertThat(tested.statusCode()).as(tested.body()).isEqualTo(200);
    assertThat(tested.body()).doesNotContain("backup-secret");

    ObjectNode spec =
        (ObjectNode) json(TestServer.send("GET", "/api/v1/deployments/db2", server.viewer(), null));
    spec.put("password_ref", "alias:pghs-secret-it-no-such-alias");
    HttpResponse<String> put =
        TestServer.send("PUT", "/api/v1/deployments/db2", server.admin(), spec.toString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    HttpResponse<String> missing =
        TestServer.send("POST", "/api/v1/deployments/db2/connection-test", server.operator(), "");
    assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
    assertThat(json(missing).path("code").asText()).isEqualTo("deployment.secret_unresolved");
    assertThat(missing.body()).contains("alias:pghs-secret-it-no-such-alias");

    assertThat(
            TestServer.send("DELETE", "/api/v1/deployments/db2", server.admin(), null).statusCode())
        .isEqualTo(204);
  }

  private JsonNode runJob(String body) {
    HttpResponse<String> started = TestServer.send("POST", "/api/v1/jobs", server.operator(), body);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    JsonNode done = awaitJob(json(started).path("id").asLong());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
    return done;
  }

  private List<String> backupIds() {
    return json(TestServer.send("GET", "/api/v1/deployments/db1/backups", server.viewer(), null))
        .path("items")
        .findValuesAsText("backup_id");
  }

  private HttpResponse<String> bearer(String method, String path, String token, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofMinutes(1))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path, e);
    }
  }

  private JsonNode awaitJob(long run) {
    return await(
        "job run " + run + " ends",
        () -> json(TestServer.send("GET", "/api/v1/jobs/" + run, server.viewer(), null)),
        j -> !j.path("state").asText().equals("running"));
  }

  private static String metrics() {
    return TestServer.send("GET", "/metrics?scope=application", null, null, "text/plain").body();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  static <T> T await(String what, java.util.function.Supplier<T> probe, Predicate<T> done) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    T last = null;
    while (Instant.now().isBefore(deadline)) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out waiting until " + what + "; last: " + last);
  }
}
