package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.ServerStack;
import org.pghardstorage.it.cli.Cli;

/**
 * The console in a real browser: Debian's headless Chromium driven through its chromedriver by
 * Selenium WebDriver, against the EAR on the real Payara. Sign-in, sign-out, the login page for
 * anonymous visitors, a failed sign-in, the deployments dashboard, refused cross-site posts and the
 * security headers. Screenshots of each main step are kept under {@code it/target/screenshots}.
 */
class ConsoleBrowserIT extends AbstractConsoleBrowserIT {
  @Test
  void anAnonymousBrowserIsShownTheLoginPageWithLabelledFields() {
    browser.get(url("/console/"));

    awaitLoginForm();
    screenshot("01-anonymous-sees-login");
    assertThat(browser.getTitle()).startsWith("Sign in");
    assertThat(browser.findElement(By.cssSelector("html")).getAttribute("lang")).isEqualTo("en");
    assertThat(browser.findElement(By.cssSelector("label[for=username]")).getText())
        .isEqualTo("User name");
    assertThat(browser.findElement(By.cssSelector("label[for=password]")).getText())
        .isEqualTo("Password");
    assertThat(browser.findElement(By.id("username")).getAccessibleName()).isEqualTo("User name");
    assertThat(browser.findElement(By.id("password")).getAccessibleName()).isEqualTo("Password");
    assertThat(browser.findElement(By.id("sign-in")).getAccessibleName()).isEqualTo("Sign in");
    assertThat(browser.findElements(By.id("server-status"))).isEmpty();
    assertThat(cspViolations()).as("the login page works under the console's CSP").isEmpty();
  }

  @Test
  void aUserSignsInSeesTheOverviewAndSignsOut() {
    ServerStack.User operator = TestServer.get().operator();
    browser.get(url("/console/"));
    awaitLoginForm();

    signIn(operator.name(), operator.password());
    waitFor(By.id("server-status"));
    screenshot("02-signed-in-overview");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
    assertThat(browser.findElement(By.id("signed-in-user")).getText()).isEqualTo("operator");
    assertThat(browser.findElement(By.id("signed-in-roles")).getText())
        .isEqualTo("(viewer, operator)");
    assertThat(cspViolations()).as("the overview works under the console's CSP").isEmpty();

    browser.findElement(By.id("logout:sign-out")).click();
    waitFor(By.id("signed-out"));
    screenshot("03-signed-out");
    assertThat(browser.findElement(By.id("signed-out")).getText()).contains("signed out");

    browser.get(url("/console/"));
    awaitLoginForm();
    assertThat(browser.findElements(By.id("server-status"))).isEmpty();
  }

  @Test
  void aViewerSeesTheOverviewWithNoActionControls() {
    ServerStack.User viewer = TestServer.get().viewer();
    browser.get(url("/console/"));
    awaitLoginForm();

    signIn(viewer.name(), viewer.password());
    waitFor(By.id("server-status"));
    screenshot("05-viewer-overview");
    assertThat(browser.findElement(By.id("signed-in-roles")).getText()).isEqualTo("(viewer)");
    assertThat(browser.findElements(By.cssSelector("main form, main button, main input")))
        .as("a viewer is offered no action")
        .isEmpty();
    assertThat(browser.findElements(By.id("logout:sign-out"))).hasSize(1);
  }

  @Test
  void theDashboardListsEachDeploymentInAnAccessibleTableAndSaysUnknownWhereNothingIsKnown() {
    ServerStack s = TestServer.get();
    TestServer.createUnreadableDeployment("console-dash");
    try {
      ServerStack.User viewer = s.viewer();
      browser.get(url("/console/"));
      awaitLoginForm();
      signIn(viewer.name(), viewer.password());
      waitFor(By.id("deployments"));
      screenshot("06-dashboard");

      WebElement table = browser.findElement(By.id("deployments"));
      assertThat(table.findElement(By.tagName("caption")).getText()).startsWith("Every deployment");
      assertThat(
              table.findElements(By.cssSelector("thead th[scope=col]")).stream()
                  .map(WebElement::getText)
                  .toList())
          .containsExactly(
              "Deployment",
              "Health",
              "Streamer",
              "WAL lag",
              "RPO",
              "Last backup",
              "Last backup job",
              "Last verification",
              "Repository size",
              "Dedup ratio");
      WebElement row =
          table.findElement(
              By.xpath("./tbody/tr[th[@scope='row' and normalize-space()='console-dash']]"));
      List<String> cells =
          row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
      assertThat(cells).hasSize(9);
      assertThat(cells.get(0))
          .as("the health in words, with why")
          .startsWith("unknown")
          .isNotEqualTo("unknown");
      assertThat(cells.get(1)).isEqualTo("off");
      assertThat(cells.subList(2, 9)).containsOnly("unknown");
      assertThat(cspViolations()).as("the dashboard works under the console's CSP").isEmpty();

      // its page shows what the catalogue holds and why the WAL coverage cannot be shown
      row.findElement(By.linkText("console-dash")).click();
      waitFor(By.id("wal-unreadable"));
      screenshot("09-deployment-page-repository-unreadable");
      assertThat(browser.findElement(By.id("wal-unreadable")).getText())
          .startsWith("The WAL coverage cannot be shown: ")
          .isNotEqualTo("The WAL coverage cannot be shown: ");
      assertThat(browser.findElements(By.id("no-backups"))).hasSize(1);
      assertThat(browser.findElement(By.id("events")).getText()).contains("deployment.created");
    } finally {
      TestServer.send("DELETE", "/api/v1/deployments/console-dash", s.admin(), null);
    }
  }

  /**
   * A deployment with a backup taken by a job: its dashboard row shows what {@code GET
   * /api/v1/deployments/overview} gives, its name links to its page, and that page shows the
   * backup's label and LSNs exactly as {@code GET /api/v1/deployments/{d}/backups} gives them.
   */
  @Test
  void theDashboardLinksToADeploymentPageShowingItsBackupsAsTheApiGivesThem() throws Exception {
    ServerStack s = TestServer.get();
    Path work = Locations.newRunDir("pghs-it-console-db-");
    Path password = s.secretsDir().resolve("console-db.password");
    try (PgCluster pg = PgCluster.builder(18).in(work.resolve("pg")).start()) {
      createDeployment("console-db", pg, work, password);
      try {
        HttpResponse<String> started =
            TestServer.send(
                "POST",
                "/api/v1/jobs",
                s.operator(),
                "{\"job\": \"base-backup\", \"deployment\": \"console-db\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        long run = OperationsIT.json(started).path("id").asLong();
        JsonNode done =
            OperationsIT.await(
                "job run " + run + " ends",
                () ->
                    OperationsIT.json(
                        TestServer.send("GET", "/api/v1/jobs/" + run, s.viewer(), null)),
                j -> !j.path("state").asText().equals("running"));
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
        JsonNode backup =
            OperationsIT.json(
                    TestServer.send(
                        "GET", "/api/v1/deployments/console-db/backups", s.viewer(), null))
                .path("items")
                .get(0);
        JsonNode overview = null;
        for (JsonNode d :
            OperationsIT.json(
                    TestServer.send("GET", "/api/v1/deployments/overview", s.viewer(), null))
                .path("deployments")) {
          if (d.path("deployment").asText().equals("console-db")) {
            overview = d;
          }
        }
        assertThat(overview).isNotNull();
        String backupId = backup.path("backup_id").asText();
        assertThat(overview.path("last_backup_id").asText()).isEqualTo(backupId);

        ServerStack.User viewer = s.viewer();
        browser.get(url("/console/"));
        awaitLoginForm();
        signIn(viewer.name(), viewer.password());
        waitFor(By.id("deployments"));
        WebElement row =
            browser
                .findElement(By.id("deployments"))
                .findElement(
                    By.xpath("./tbody/tr[th[@scope='row' and normalize-space()='console-db']]"));
        List<String> cells =
            row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(cells.get(0)).startsWith(overview.path("health").asText());
        assertThat(cells.get(1)).isEqualTo(overview.path("streamer").asText());
        assertThat(cells.get(4)).endsWith("(" + backupId + ")");
        assertThat(cells.get(5)).isEqualTo(overview.path("last_backup_run_state").asText());

        row.findElement(By.linkText("console-db")).click();
        waitFor(By.id("backups"));
        screenshot("07-deployment-page");
        assertThat(browser.getTitle()).startsWith("Deployment console-db");
        assertThat(browser.findElement(By.id("deployment-name")).getText()).isEqualTo("console-db");
        WebElement shown =
            browser
                .findElement(By.id("backups"))
                .findElement(
                    By.xpath(
                        "./tbody/tr[th[@scope='row' and normalize-space()='" + backupId + "']]"));
        List<String> backupCells =
            shown.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(backupCells.get(0))
            .as("label")
            .isEqualTo(backup.path("label").isNull() ? "" : backup.path("label").asText());
        assertThat(backupCells.get(2)).as("start LSN").isEqualTo(backup.path("start_lsn").asText());
        assertThat(backupCells.get(3)).as("stop LSN").isEqualTo(backup.path("stop_lsn").asText());
        assertThat(backupCells.get(8)).as("verification").isEqualTo("never");
        assertThat(browser.findElement(By.id("jobs")).getText())
            .contains("base-backup")
            .contains("completed");
        assertThat(browser.findElement(By.id("wal-timelines")).getText())
            .contains(backup.path("timeline").asText());
        // the chart of WAL coverage over time draws what GET …/wal gives, with its storage times
        JsonNode wal =
            OperationsIT.json(
                TestServer.send("GET", "/api/v1/deployments/console-db/wal", s.viewer(), null));
        assertThat(wal.path("timelines").get(0).path("first_stored_at").asText())
            .as(wal.toString())
            .isNotEmpty();
        WebElement chart = browser.findElement(By.id("wal-chart"));
        assertThat(chart.getTagName()).isEqualTo("svg");
        assertThat(chart.getAttribute("role")).isEqualTo("img");
        assertThat(chart.getAttribute("aria-label"))
            .startsWith("WAL coverage by storage time")
            .contains("timeline " + backup.path("timeline").asText());
        assertThat(chart.findElements(By.cssSelector("rect.covered")))
            .as("a stored stretch of WAL is drawn as a bar")
            .isNotEmpty();
        assertThat(chart.findElements(By.cssSelector("rect.gap"))).hasSize(wal.path("gaps").size());
        assertThat(chart.findElements(By.cssSelector("text")))
            .extracting(WebElement::getText)
            .anySatisfy(label -> assertThat(label).endsWith(" UTC"));
        keep("17-wal-coverage-chart", (TakesScreenshot) chart.findElement(By.xpath("..")));
        assertThat(browser.findElement(By.id("events")).getText()).contains("job.completed");
        assertThat(cspViolations())
            .as("the deployment page works under the console's CSP")
            .isEmpty();

        browser.get(url("/console/deployment.xhtml?name=no-such-db"));
        waitFor(By.id("no-such-deployment"));
        screenshot("08-no-such-deployment");
        assertThat(browser.findElement(By.id("no-such-deployment")).getText())
            .startsWith("No such deployment")
            .contains("no-such-db");
        assertThat(browser.findElements(By.id("backups"))).isEmpty();
      } finally {
        TestServer.send("DELETE", "/api/v1/deployments/console-db", s.admin(), null);
        Files.deleteIfExists(password);
      }
    } finally {
      if (!Boolean.getBoolean("pghs.it.keep")) {
        Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
      }
    }
  }

  /**
   * The deployment page's actions and the restore planner on one deployment: an operator starts a
   * base backup and then a verify from the page, both run to completion and the backup is listed by
   * the API; a viewer is offered neither button, and a viewer's forged post of the action is
   * refused and starts no job; the planner (used by the viewer) gives for the latest moment and for
   * an LSN exactly the plan {@code POST /api/v1/deployments/{d}/restore-plans} gives, and for a
   * malformed LSN the API's message.
   */
  @Test
  void anOperatorStartsJobsFromTheDeploymentPageAViewerCannotAndThePlannerAgreesWithTheApi()
      throws Exception {
    ServerStack s = TestServer.get();
    String db = "console-act";
    Path work = Locations.newRunDir("pghs-it-console-act-");
    Path password = s.secretsDir().resolve(db + ".password");
    try (PgCluster pg = PgCluster.builder(18).in(work.resolve("pg")).start()) {
      createDeployment(db, pg, work, password);
      try {
        assertThat(backups(db)).as("no backup before the console starts one").isEmpty();

        // (a) an operator starts a base backup, then a verify of it, from the deployment page
        ServerStack.User operator = s.operator();
        browser.get(url("/console/deployment.xhtml?name=" + db));
        awaitLoginForm();
        signIn(operator.name(), operator.password());
        waitFor(By.id("actions:start-backup"));
        screenshot("10-deployment-page-actions");
        browser.findElement(By.id("actions:start-backup")).click();
        long backupRun = startedRun("base-backup");
        screenshot("11-base-backup-started");
        assertThat(jobTableRow(backupRun)).contains("base-backup");
        JsonNode backupDone = awaitRunEnds(backupRun);
        assertThat(backupDone.path("state").asText())
            .as(backupDone.toString())
            .isEqualTo("completed");
        assertThat(backupDone.path("actor").asText()).isEqualTo(operator.name());
        assertThat(backupDone.path("trigger").asText()).isEqualTo("console");
        List<JsonNode> taken = backups(db);
        assertThat(taken).as("the API lists the backup the console started").hasSize(1);
        browser.findElement(By.id("follow-job")).click();
        waitFor(By.id("backups"));
        assertThat(jobTableRow(backupRun)).contains("completed");
        assertThat(browser.findElement(By.id("backups")).getText())
            .contains(taken.get(0).path("backup_id").asText());
        screenshot("12-base-backup-completed");

        browser.findElement(By.id("actions:start-verify")).click();
        long verifyRun = startedRun("verify");
        JsonNode verifyDone = awaitRunEnds(verifyRun);
        assertThat(verifyDone.path("state").asText())
            .as(verifyDone.toString())
            .isEqualTo("completed");
        assertThat(cspViolations()).as("the actions work under the console's CSP").isEmpty();
        browser.findElement(By.id("logout:sign-out")).click();
        waitFor(By.id("signed-out"));

        // (b) a viewer has no action control, and a forged post of the action is refused
        ServerStack.User viewer = s.viewer();
        browser.get(url("/console/deployment.xhtml?name=" + db));
        awaitLoginForm();
        signIn(viewer.name(), viewer.password());
        waitFor(By.id("backups"));
        screenshot("13-viewer-deployment-page");
        assertThat(browser.findElements(By.cssSelector("main form, main button, main input")))
            .as("a viewer is offered no action")
            .isEmpty();
        assertThat(browser.findElements(By.id("actions-heading"))).isEmpty();
        List<Long> runsBefore = runIds(db);
        ConsoleSession session = ConsoleSession.signIn(viewer);
        // Payara completes a FORM sign-in on the page it was asked for: the overview
        assertThat(session.get("/console/").body()).contains("server-status");
        String viewState =
            ConsoleSession.viewState(session.get("/console/deployment.xhtml?name=" + db).body());
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("actions", "actions");
        forged.put("name", db);
        forged.put("actions:start-backup", "Start base backup");
        forged.put("jakarta.faces.ViewState", viewState);
        HttpResponse<String> refused = session.post("/console/deployment.xhtml", forged, Map.of());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body())
            .contains("Not allowed: starting a job needs the operator or admin role");
        assertThat(runIds(db)).as("the forged post started no job").isEqualTo(runsBefore);
        assertThat(backups(db)).hasSize(1);

        // (c) the planner gives the API's plan, and the API's message for a malformed LSN
        browser.findElement(By.id("to-restore-planner")).click();
        waitFor(By.id("planner:plan"));
        String target = "/srv/recover-" + db;
        plan("latest", "", target);
        screenshot("14-restore-plan-latest");
        assertThat(browser.findElement(By.id("plan-backup")).getText())
            .isEqualTo(taken.get(0).path("backup_id").asText());
        JsonNode latestPlan =
            apiPlan(db, "{\"target\": \"" + target + "\", \"latest\": true}", 201);
        assertThat(planShown()).isEqualTo(fields(latestPlan));

        // the command for the target host restores exactly that plan, and its preview there agrees
        String command = browser.findElement(By.id("cli-command")).getText();
        assertThat(command)
            .isEqualTo(
                "pg_hardstorage restore "
                    + db
                    + " "
                    + latestPlan.path("backup_id").asText()
                    + " --target="
                    + latestPlan.path("target").asText()
                    + " --to-latest");
        String previewCommand = browser.findElement(By.id("cli-preview-command")).getText();
        assertThat(previewCommand).isEqualTo(command + " --preview");
        keep(
            "18-restore-plan-cli-command",
            (TakesScreenshot)
                browser.findElement(By.id("cli-heading")).findElement(By.xpath("..")));
        List<String> words = shellWords(previewCommand);
        assertThat(words.get(0)).isEqualTo("pg_hardstorage");
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        args.addAll(List.of("--repo", "file://" + work.resolve("repo")));
        Cli.Result preview = Cli.run(args.toArray(String[]::new));
        assertThat(preview.result().path("backup_id").asText())
            .as(preview.toString())
            .isEqualTo(latestPlan.path("backup_id").asText());
        assertThat(preview.result().path("target").asText())
            .isEqualTo(latestPlan.path("target").asText());
        assertThat(preview.result().path("wal")).isEqualTo(latestPlan.path("wal"));

        String lsn = taken.get(0).path("stop_lsn").asText();
        plan("lsn", lsn, target);
        screenshot("15-restore-plan-lsn");
        assertThat(browser.findElement(By.id("cli-command")).getText())
            .isEqualTo(
                "pg_hardstorage restore "
                    + db
                    + " "
                    + taken.get(0).path("backup_id").asText()
                    + " --target="
                    + target
                    + " --to-lsn="
                    + lsn);
        assertThat(planShown())
            .isEqualTo(
                fields(
                    apiPlan(
                        db, "{\"target\": \"" + target + "\", \"lsn\": \"" + lsn + "\"}", 201)));

        plan("lsn", "not-an-lsn", target);
        waitFor(By.id("plan-error"));
        screenshot("16-restore-plan-bad-lsn");
        JsonNode problem =
            apiPlan(db, "{\"target\": \"" + target + "\", \"lsn\": \"not-an-lsn\"}", 400);
        assertThat(browser.findElement(By.id("plan-error-detail")).getText())
            .isEqualTo(problem.path("detail").asText())
            .isNotEmpty();
        assertThat(browser.findElement(By.id("plan-error-suggestion")).getText())
            .isEqualTo(problem.path("suggestion").asText());
        assertThat(browser.findElements(By.id("plan-fields"))).isEmpty();
        assertThat(cspViolations()).as("the planner works under the console's CSP").isEmpty();
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

  @Test
  void aWrongPasswordShowsTheErrorAndOpensNoSession() {
    ServerStack.User viewer = TestServer.get().viewer();
    browser.get(url("/console/"));
    awaitLoginForm();

    signIn(viewer.name(), viewer.password() + "-wrong");
    waitFor(By.id("login-error"));
    screenshot("04-wrong-password");
    String message = browser.findElement(By.id("login-error")).getText();
    assertThat(message).contains("user name or password is not correct");
    assertThat(browser.findElements(By.id("username"))).hasSize(1);

    browser.get(url("/console/"));
    awaitLoginForm();
    assertThat(browser.findElements(By.id("server-status"))).isEmpty();
    assertThat(browser.findElements(By.id("login-error"))).isEmpty();
  }

  @Test
  void aPostWithoutTheSessionsViewStateOrFromAnotherSiteIsRefused() {
    ServerStack.User operator = TestServer.get().operator();
    ConsoleSession session = ConsoleSession.signIn(operator);
    HttpResponse<String> overview = session.get("/console/");
    String viewState = ConsoleSession.viewState(overview.body());

    HttpResponse<String> noToken =
        session.post(
            "/console/index.xhtml", ConsoleSession.signOutForm(Optional.empty()), Map.of());
    HttpResponse<String> forged =
        session.post(
            "/console/index.xhtml",
            ConsoleSession.signOutForm(Optional.of("-4711:8150")),
            Map.of());
    HttpResponse<String> crossSite =
        session.post(
            "/console/index.xhtml",
            ConsoleSession.signOutForm(Optional.of(viewState)),
            Map.of("Origin", "http://attacker.example"));

    assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(403);
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);
    assertThat(session.get("/console/").body())
        .as("none of the refused posts signed the user out")
        .contains("server-status");

    // The same form with the page's own token is accepted: the refusals above are the token's.
    HttpResponse<String> genuine =
        session.post(
            "/console/index.xhtml", ConsoleSession.signOutForm(Optional.of(viewState)), Map.of());
    assertThat(genuine.statusCode()).as(genuine.body()).isEqualTo(302);
    assertThat(session.get("/console/").body()).contains("j_security_check");
  }

  @Test
  void everyConsoleResponseCarriesTheSecurityHeaders() {
    ConsoleSession anonymous = ConsoleSession.anonymous();
    HttpResponse<String> login = anonymous.get("/console/");
    HttpResponse<String> overview =
        ConsoleSession.signIn(TestServer.get().viewer()).get("/console/");

    for (HttpResponse<String> r : List.of(login, overview)) {
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(
              csp ->
                  assertThat(csp)
                      .contains("default-src 'self'")
                      .contains("frame-ancestors 'none'")
                      .doesNotContain("unsafe-inline"));
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
    assertThat(overview.body()).contains("server-status");
    assertThat(login.headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("JSESSIONID=").contains("HttpOnly"));
  }
}
