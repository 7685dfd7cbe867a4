package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.ServerStack;
import org.pghardstorage.it.cli.Cli;

/**
 * The restore planner's time in the browser's time zone and its restore on the server host, in
 * Debian's headless Chromium run in Europe/Berlin ({@code TZ} of chromedriver, which Chromium
 * inherits) against the shared test server, whose restore roots are {@link
 * TestServer#restoreRoot()}: a plan for a local time equals the API's plan for the same UTC
 * instant; an operator previews a restore on the server, a directory outside the roots and a wrong
 * confirmation are refused with nothing written, the typed deployment name starts the restore job,
 * and PostgreSQL started on the restored directory holds exactly the source's data at the target; a
 * viewer has no control and a viewer's forged posts are 403 with nothing planned or restored.
 * Screenshots {@code restore-*.png}.
 */
class ConsoleRestoreBrowserIT extends AbstractConsoleBrowserIT {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final String ROWS =
      "SELECT id, extract(epoch FROM at)::text FROM markers ORDER BY id";

  @Override
  protected Map<String, String> browserEnvironment() {
    return Map.of("TZ", BERLIN.getId());
  }

  @Test
  void anOperatorRestoresABrowserLocalTimeOnTheServerAfterTypingTheConfirmation() throws Exception {
    ServerStack s = TestServer.get();
    String db = "console-restore";
    Path work = Locations.newRunDir("pghs-it-console-restore-");
    Path password = s.secretsDir().resolve(db + ".password");
    try (PgCluster pg = PgCluster.builder(18).in(work.resolve("pg")).start()) {
      pg.execute(
          "postgres",
          "CREATE TABLE markers (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT"
              + " clock_timestamp())");
      createDeployment(db, pg, work, password, true);
      try {
        OperationsIT.await(
            "the streamer streams",
            () ->
                OperationsIT.json(
                    TestServer.send(
                        "GET", "/api/v1/deployments/" + db + "/streamer", s.viewer(), null)),
            j -> j.path("status").path("state").asText().equals("STREAMING"));
        HttpResponse<String> started =
            TestServer.send(
                "POST",
                "/api/v1/jobs",
                s.operator(),
                "{\"job\": \"base-backup\", \"deployment\": \"" + db + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode backupRun = awaitRunEnds(OperationsIT.json(started).path("id").asLong());
        assertThat(backupRun.path("state").asText())
            .as(backupRun.toString())
            .isEqualTo("completed");
        String backupId = backups(db).get(0).path("backup_id").asText();

        // row 1 before the target, a whole second in UTC, row 2 after it (PostgreSQL's clock)
        pg.execute("postgres", "INSERT INTO markers (id) VALUES (1)");
        List<List<String>> atTarget = pg.query("postgres", ROWS);
        Instant target = pgNow(pg).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        OperationsIT.await(
            "PostgreSQL's clock passes the target", () -> pgNow(pg), t -> t.isAfter(target));
        pg.execute("postgres", "INSERT INTO markers (id) VALUES (2)", "SELECT pg_switch_wal()");
        pg.execute("postgres", "INSERT INTO markers (id) VALUES (3)");
        Lsn end = Lsn.parse(pg.queryValue("postgres", "SELECT pg_switch_wal()::text"));
        OperationsIT.await(
            "the WAL past the target is durable in the repository",
            () ->
                OperationsIT.json(
                    TestServer.send(
                        "GET", "/api/v1/deployments/" + db + "/streamer", s.viewer(), null)),
            j -> {
              String durable = j.path("status").path("durable_lsn").asText();
              return !durable.isEmpty()
                  && !durable.equals("null")
                  && Lsn.parse(durable).compareTo(end) >= 0;
            });
        assertThat(pg.query("postgres", ROWS)).hasSize(3);

        // (1) the planner takes the time in the browser's zone and plans the API's UTC instant
        ServerStack.User operator = s.operator();
        browser.get(url("/console/restore.xhtml?name=" + db));
        awaitLoginForm();
        signIn(operator.name(), operator.password());
        waitFor(By.id("planner:plan"));
        assertThat(browser.findElement(By.id("planner:zone")).getAttribute("value"))
            .as("the planner's script sends the browser's time zone")
            .isEqualTo("Europe/Berlin");
        assertThat(browser.findElement(By.id("time-zone-note")).getText())
            .contains("Europe/Berlin");
        String local = LocalDateTime.ofInstant(target, BERLIN).format(LOCAL);
        String apiTarget = "/srv/recover-" + db;
        planAt(local, apiTarget, "planner:plan");
        screenshot("restore-01-time-plan-browser-zone");
        // the browser may send a time at :00 without its seconds; it is the same local time
        String sent = browser.findElement(By.id("planner:when")).getAttribute("value");
        assertThat(LocalDateTime.parse(sent)).isEqualTo(LocalDateTime.parse(local));
        assertThat(browser.findElement(By.id("time-utc")).getText())
            .isEqualTo(
                sent
                    + " in Europe/Berlin is "
                    + target
                    + " (UTC), the instant this plan recovers to");
        JsonNode apiPlan =
            apiPlan(db, "{\"target\": \"" + apiTarget + "\", \"time\": \"" + target + "\"}", 201);
        assertThat(planShown()).isEqualTo(fields(apiPlan));
        assertThat(apiPlan.path("backup_id").asText()).isEqualTo(backupId);
        assertThat(browser.findElement(By.id("cli-command")).getText()).endsWith(" --to=" + target);

        // (2) a directory outside the server's restore roots is refused, and nothing is written
        Path outside = work.resolve("outside-the-roots");
        planAt(local, outside.toString(), "planner:plan-server");
        waitFor(By.id("plan-error"));
        screenshot("restore-02-outside-the-roots");
        assertThat(browser.findElement(By.id("plan-error-detail")).getText())
            .contains("not inside any of the allowed roots");
        assertThat(outside).doesNotExist();
        assertThat(browser.findElements(By.id("restore-confirm:restore"))).isEmpty();

        // (3) the preview of the restore on this server is the command line's for the same restore
        Path dir = TestServer.restoreRoot().toRealPath().resolve(db + "-at-target");
        planAt(local, dir.toString(), "planner:plan-server");
        waitFor(By.id("restore-confirm:confirm"));
        screenshot("restore-03-server-preview");
        assertThat(browser.findElement(By.id("plan-ready")).getText()).startsWith("yes");
        assertThat(browser.findElement(By.id("restore-directories")).getText())
            .isEqualTo(dir + " (data directory)");
        assertThat(browser.findElements(By.id("restore-launcher-problem")))
            .as("the restored cluster's restore_command runs this host's launcher")
            .isEmpty();
        Map<String, String> shown = new LinkedHashMap<>();
        planShown().forEach(e -> shown.put(e.getKey(), e.getValue()));
        Cli.Result cliPreview =
            Cli.run(
                "restore",
                db,
                backupId,
                "--to",
                target.toString(),
                "--target",
                dir.toString(),
                "--preview",
                "--repo",
                "file://" + work.resolve("repo"),
                "--output",
                "json");
        Map<String, String> cli = new LinkedHashMap<>();
        fields(cliPreview.result()).forEach(e -> cli.put(e.getKey(), e.getValue()));
        for (String field : List.of("backup_id", "target", "files", "bytes", "stored_bytes")) {
          assertThat(shown.get(field)).as(field).isEqualTo(cli.get(field)).isNotNull();
        }
        assertThat(filter(shown, "directories")).isEqualTo(filter(cli, "directories"));
        assertThat(filter(shown, "recovery")).isEqualTo(filter(cli, "recovery")).isNotEmpty();
        assertThat(filter(shown, "wal.")).isEqualTo(filter(cli, "wal."));

        // (4) a wrong confirmation starts nothing and writes nothing
        List<Long> runsBefore = runIds(db);
        confirm("not-" + db);
        waitFor(By.id("restore-error"));
        screenshot("restore-04-wrong-confirmation");
        assertThat(browser.findElement(By.id("restore-error-detail")).getText())
            .contains("names neither the deployment " + db)
            .contains("nothing was restored");
        assertThat(runIds(db)).isEqualTo(runsBefore);
        assertThat(dir).doesNotExist();

        // (5) typing the deployment's name starts the restore job, which restores the plan
        planAt(local, dir.toString(), "planner:plan-server");
        waitFor(By.id("restore-confirm:confirm"));
        String planId = browser.findElement(By.id("restore-plan-id")).getText();
        confirm(db);
        waitFor(By.id("restore-started"));
        screenshot("restore-05-started");
        Matcher m =
            Pattern.compile("restore started: job run (\\d+) \\(")
                .matcher(browser.findElement(By.id("restore-started")).getText());
        assertThat(m.find()).isTrue();
        long run = Long.parseLong(m.group(1));
        JsonNode done = awaitRunEnds(run);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("actor").asText()).isEqualTo(operator.name());
        assertThat(done.path("trigger").asText()).isEqualTo("console");
        JsonNode result = OperationsIT.json(done.path("result").asText());
        assertThat(result.path("backup_id").asText()).isEqualTo(backupId);
        assertThat(result.path("target").asText()).isEqualTo(dir.toString());
        assertThat(result.path("files").asText()).isEqualTo(shown.get("files"));
        assertThat(
                OperationsIT.json(
                        TestServer.send(
                            "GET",
                            "/api/v1/events?deployment=" + db + "&limit=100",
                            s.viewer(),
                            null))
                    .path("items")
                    .findValuesAsText("message"))
            .anyMatch(
                msg ->
                    msg.equals(
                        "restored backup "
                            + backupId
                            + " into "
                            + dir
                            + " on this server (restore plan "
                            + planId
                            + ")"));
        browser.findElement(By.id("follow-restore")).click();
        waitFor(By.id("jobs"));
        assertThat(jobTableRow(run)).contains("restore").contains("completed");
        screenshot("restore-06-job-completed");

        // (6) a plan into another directory, for the viewer's forged post below
        Path unused = TestServer.restoreRoot().toRealPath().resolve(db + "-never");
        browser.get(url("/console/restore.xhtml?name=" + db));
        waitFor(By.id("planner:plan"));
        planAt(local, unused.toString(), "planner:plan-server");
        waitFor(By.id("restore-confirm:confirm"));
        String unusedPlan = browser.findElement(By.id("restore-plan-id")).getText();
        assertThat(cspViolations()).as("the planner works under the console's CSP").isEmpty();
        browser.findElement(By.id("logout:sign-out")).click();
        waitFor(By.id("signed-out"));

        // (7) a viewer has no control, and the viewer's forged posts are refused
        ServerStack.User viewer = s.viewer();
        browser.get(url("/console/restore.xhtml?name=" + db));
        awaitLoginForm();
        signIn(viewer.name(), viewer.password());
        waitFor(By.id("planner:plan"));
        screenshot("restore-07-viewer-planner");
        assertThat(browser.findElements(By.id("planner:plan-server"))).isEmpty();
        assertThat(browser.findElements(By.id("server-restore-heading"))).isEmpty();
        List<Long> runsNow = runIds(db);
        ConsoleSession session = ConsoleSession.signIn(viewer);
        // Payara completes a FORM sign-in on the page it was asked for: the overview
        assertThat(session.get("/console/").body()).contains("server-status");
        String viewState =
            ConsoleSession.viewState(session.get("/console/restore.xhtml?name=" + db).body());
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("restore-confirm", "restore-confirm");
        forged.put("name", db);
        forged.put("plan", unusedPlan);
        forged.put("restore-confirm:confirm", db);
        forged.put("restore-confirm:restore", "Restore on this server");
        forged.put("jakarta.faces.ViewState", viewState);
        HttpResponse<String> refused = session.post("/console/restore.xhtml", forged, Map.of());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body())
            .contains("Not allowed: restoring on the server needs the operator or admin role");
        Map<String, String> forgedPlan = new LinkedHashMap<>();
        forgedPlan.put("planner", "planner");
        forgedPlan.put("name", db);
        forgedPlan.put("planner:kind", "latest");
        forgedPlan.put("planner:target", unused.resolve("other").toString());
        forgedPlan.put("planner:plan-server", "Preview a restore on this server");
        forgedPlan.put(
            "jakarta.faces.ViewState",
            ConsoleSession.viewState(session.get("/console/restore.xhtml?name=" + db).body()));
        HttpResponse<String> refusedPlan =
            session.post("/console/restore.xhtml", forgedPlan, Map.of());
        assertThat(refusedPlan.statusCode()).as(refusedPlan.body()).isEqualTo(403);
        assertThat(refusedPlan.body()).doesNotContain("plan-fields");
        assertThat(runIds(db)).as("the forged posts started no job").isEqualTo(runsNow);
        assertThat(unused).doesNotExist();

        // (8) PostgreSQL started on the restored directory recovers to the target and pauses
        PgCluster restored = PgCluster.startExisting(18, dir, pg.password(), Map.of());
        try {
          OperationsIT.await(
              "recovery pauses at the target",
              () -> restored.queryValue("postgres", "SELECT pg_get_wal_replay_pause_state()"),
              state -> state.equals("paused"));
          assertThat(restored.query("postgres", ROWS))
              .as("the data at the target: row 1, not rows 2 and 3")
              .isEqualTo(atTarget);
        } finally {
          restored.close();
        }
      } finally {
        TestServer.send("DELETE", "/api/v1/deployments/" + db, s.admin(), null);
        Files.deleteIfExists(password);
      }
    } finally {
      if (!Boolean.getBoolean("pghs.it.keep")) {
        Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
      }
    }
  }

  private static Instant pgNow(PgCluster pg) {
    return Instant.parse(
        pg.queryValue(
            "postgres",
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
  }

  private static Map<String, String> filter(Map<String, String> fields, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    fields.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k, v);
          }
        });
    return out;
  }

  /**
   * Plans a time target at {@code local} (the browser's zone) into {@code target} with the button
   * {@code button}. The datetime-local field is set through its DOM value, as a date picker does:
   * typing into it depends on the browser's locale.
   */
  private void planAt(String local, String target, String button) {
    new Select(browser.findElement(By.id("planner:kind"))).selectByValue("time");
    ((JavascriptExecutor) browser)
        .executeScript(
            "arguments[0].value = arguments[1]", browser.findElement(By.id("planner:when")), local);
    WebElement t = browser.findElement(By.id("planner:target"));
    t.clear();
    t.sendKeys(target);
    WebElement before = browser.findElement(By.id(button));
    before.click();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.stalenessOf(before));
    waitFor(By.id("planner:plan"));
  }

  private void confirm(String typed) {
    WebElement c = browser.findElement(By.id("restore-confirm:confirm"));
    c.clear();
    c.sendKeys(typed);
    WebElement before = browser.findElement(By.id("restore-confirm:restore"));
    before.click();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.stalenessOf(before));
    waitFor(By.id("planner:plan"));
  }
}
