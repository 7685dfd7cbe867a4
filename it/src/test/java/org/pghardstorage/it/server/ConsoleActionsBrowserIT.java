package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.ServerStack;

/**
 * The deployment page's further operator actions in a real browser, against the EAR on the real
 * Payara and a real PostgreSQL 18: a job started from the page is followed to its end without a
 * reload (live refresh by Faces Ajax); a rotation is planned (a dry run), its plan shown and
 * applied exactly; a stale reviewed plan is refused and deletes nothing; the streamer is started
 * and stopped; a viewer sees none of these controls and a forged post of each is answered 403.
 * Screenshots are kept under {@code it/target/screenshots} as {@code actions-*.png}.
 */
class ConsoleActionsBrowserIT extends AbstractConsoleBrowserIT {
  /** Set on the page's document by the test: still there later means the page was not reloaded. */
  private static final String MARKER = "data-test-same-document";

  @Test
  void anOperatorFollowsJobsLiveRotatesExactlyThePlanShownAndSwitchesTheStreamer()
      throws Exception {
    ServerStack s = TestServer.get();
    String db = "console-ops";
    Path work = Locations.newRunDir("pghs-it-console-ops-");
    Path password = s.secretsDir().resolve(db + ".password");
    try (PgCluster pg = PgCluster.builder(18).in(work.resolve("pg")).start()) {
      createDeployment(db, pg, work, password);
      try {
        ServerStack.User operator = s.operator();
        browser.get(url("/console/deployment.xhtml?name=" + db));
        awaitLoginForm();
        signIn(operator.name(), operator.password());
        waitFor(By.id("actions:plan-rotation"));
        screenshot("actions-01-deployment-page");

        // (a) a backup started from the page is seen running, then completed, in one document
        post(By.id("actions:start-backup"));
        long first = startedRun("base-backup");
        assertThat(jobTableRow(first)).contains("base-backup");
        markDocument();
        awaitOnPage(
            "job run " + first + " completed", () -> jobTableRow(first).contains("completed"));
        assertThat(documentMarked()).as("the page was updated without a reload").isTrue();
        assertThat(browser.findElement(By.id("newest-job")).getText())
            .contains("Job run " + first)
            .contains("completed");
        screenshot("actions-02-backup-completed-live");
        assertThat(awaitRunEnds(first).path("state").asText()).isEqualTo("completed");

        // two more backups today: the default keep policy (one a day) keeps only the newest
        backup(db);
        backup(db);
        awaitOnPage(
            "the three backups listed live",
            () -> browser.findElements(By.cssSelector("#backups tbody tr")).size() == 3);
        assertThat(documentMarked()).isTrue();

        // (b) plan a rotation: a dry run whose plan the page shows, live, as the API records it
        post(By.id("actions:plan-rotation"));
        long dryRun = startedRun("rotate");
        markDocument();
        awaitOnPage(
            "the plan of job run " + dryRun,
            () ->
                !browser.findElements(By.id("rotation:apply")).isEmpty()
                    && browser
                        .findElement(By.id("rotation-summary"))
                        .getText()
                        .contains("job run " + dryRun));
        assertThat(documentMarked()).as("the plan appeared without a reload").isTrue();
        screenshot("actions-03-rotation-plan");
        JsonNode planned = awaitRunEnds(dryRun);
        assertThat(planned.path("state").asText()).isEqualTo("completed");
        JsonNode plan = OperationsIT.json(planned.path("result").asText());
        assertThat(plan.path("applied").asBoolean()).isFalse();
        Map<String, String> apiPlan = new LinkedHashMap<>();
        plan.path("backups")
            .forEach(b -> apiPlan.put(b.path("backup_id").asText(), b.path("action").asText()));
        assertThat(rotationShown()).as("the page shows the dry run's plan").isEqualTo(apiPlan);
        List<String> kept = withAction(apiPlan, "keep");
        assertThat(kept).hasSize(1);
        assertThat(withAction(apiPlan, "delete")).hasSize(2);

        // (c) apply exactly that plan: afterwards the API lists exactly the kept backups
        post(By.id("rotation:apply"));
        long applyRun = startedRun("rotate");
        JsonNode applied = awaitRunEnds(applyRun);
        assertThat(applied.path("state").asText()).as(applied.toString()).isEqualTo("completed");
        assertThat(backupIds(db)).containsExactlyElementsOf(kept);
        awaitOnPage(
            "the applied rotation shown",
            () -> browser.findElement(By.id("rotation-summary")).getText().contains("applied"));
        screenshot("actions-04-rotation-applied");

        // (d) a stale reviewed plan is refused and deletes nothing
        backup(db);
        List<String> afterB4 = backupIds(db);
        String b4 = afterB4.get(afterB4.size() - 1);
        long stale = startRotate(db, Map.of());
        assertThat(awaitRunEnds(stale).path("state").asText()).isEqualTo("completed");
        backup(db); // b5 is now the newest: the current plan would also delete b4
        List<String> before = backupIds(db);
        long refused = startRotate(db, Map.of("reviewed_run", Long.toString(stale)));
        JsonNode refusedRun = awaitRunEnds(refused);
        assertThat(refusedRun.path("state").asText()).isEqualTo("failed");
        assertThat(refusedRun.path("error").asText())
            .contains("changed since it was reviewed")
            .contains("now it would also delete backups [" + b4 + "]")
            .contains("nothing was deleted");
        assertThat(backupIds(db)).as("the refused apply deleted nothing").isEqualTo(before);
        HttpResponse<String> notADryRun =
            TestServer.send(
                "POST",
                "/api/v1/jobs",
                operator,
                "{\"job\": \"rotate\", \"deployment\": \""
                    + db
                    + "\", \"parameters\": {\"reviewed_run\": \""
                    + first
                    + "\"}}");
        assertThat(notADryRun.statusCode()).as(notADryRun.body()).isEqualTo(400);
        assertThat(OperationsIT.json(notADryRun).path("code").asText())
            .isEqualTo("retention.reviewed_plan_invalid");
        assertThat(notADryRun.body()).contains("it is a base-backup run, not a rotate dry run");

        // (e) the streamer: started, then stopped, from the page
        assertThat(!streamer(db).path("status").isObject()).isTrue();
        post(By.id("streamer:start"));
        waitFor(By.id("streamer:stop"));
        assertThat(streamer(db).path("status").isObject())
            .as("the streamer runs on this instance")
            .isTrue();
        assertThat(streamer(db).path("lease_holder").asText())
            .isEqualTo(streamer(db).path("this_instance").asText());
        markDocument();
        awaitOnPage(
            "the streamer's state shown",
            () -> !browser.findElement(By.id("status-streamer")).getText().equals("off"));
        screenshot("actions-05-streamer-started");
        post(By.id("streamer:stop"));
        waitFor(By.id("streamer:start"));
        assertThat(!streamer(db).path("status").isObject()).as("stopped").isTrue();
        assertThat(browser.findElement(By.id("status-streamer")).getText()).isEqualTo("off");
        screenshot("actions-06-streamer-stopped");
        assertThat(cspViolations()).as("the actions work under the console's CSP").isEmpty();
        browser.findElement(By.id("logout:sign-out")).click();
        waitFor(By.id("signed-out"));

        // (f) a viewer sees none of these controls, and a forged post of each is refused
        ServerStack.User viewer = s.viewer();
        browser.get(url("/console/deployment.xhtml?name=" + db));
        awaitLoginForm();
        signIn(viewer.name(), viewer.password());
        waitFor(By.id("rotation-summary"));
        screenshot("actions-07-viewer");
        assertThat(browser.findElements(By.cssSelector("main form, main button, main input")))
            .as("a viewer is offered no action")
            .isEmpty();
        forgedPostsAreRefused(viewer, db, stale);
      } finally {
        TestServer.send("POST", "/api/v1/deployments/" + db + "/streamer/stop", s.admin(), null);
      }
    }
  }

  private void forgedPostsAreRefused(ServerStack.User viewer, String db, long reviewed) {
    List<Long> runsBefore = runIds(db);
    List<String> backupsBefore = backupIds(db);
    ConsoleSession session = ConsoleSession.signIn(viewer);
    session.get("/console/");
    Map<String, Map<String, String>> forgeries = new LinkedHashMap<>();
    forgeries.put(
        "plan rotation", Map.of("actions", "actions", "actions:plan-rotation", "Plan rotation"));
    forgeries.put(
        "apply a plan",
        Map.of(
            "rotation",
            "rotation",
            "reviewed_run",
            Long.toString(reviewed),
            "rotation:apply",
            "Apply this plan"));
    forgeries.put("start the streamer", Map.of("streamer", "streamer", "streamer:start", "Start"));
    forgeries.put("stop the streamer", Map.of("streamer", "streamer", "streamer:stop", "Stop"));
    for (Map.Entry<String, Map<String, String>> f : forgeries.entrySet()) {
      String viewState =
          ConsoleSession.viewState(session.get("/console/deployment.xhtml?name=" + db).body());
      Map<String, String> form = new LinkedHashMap<>(f.getValue());
      form.put("name", db);
      form.put("jakarta.faces.ViewState", viewState);
      HttpResponse<String> refused = session.post("/console/deployment.xhtml", form, Map.of());
      assertThat(refused.statusCode()).as(f.getKey() + ": " + refused.body()).isEqualTo(403);
      assertThat(refused.body()).as(f.getKey()).contains("Not allowed:");
    }
    assertThat(runIds(db)).as("the forged posts started no job").isEqualTo(runsBefore);
    assertThat(backupIds(db)).as("and deleted nothing").isEqualTo(backupsBefore);
    assertThat(!streamer(db).path("status").isObject()).as("nor started the streamer").isTrue();
  }

  /** Takes a backup through the API and waits for it; its id. */
  private static String backup(String db) {
    HttpResponse<String> r =
        TestServer.send(
            "POST",
            "/api/v1/jobs",
            TestServer.get().operator(),
            "{\"job\": \"base-backup\", \"deployment\": \"" + db + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode done = awaitRunEnds(OperationsIT.json(r).path("id").asLong());
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
    return done.path("result").asText();
  }

  private static long startRotate(String db, Map<String, String> parameters) {
    StringBuilder p = new StringBuilder();
    parameters.forEach(
        (k, v) ->
            p.append(p.isEmpty() ? "" : ", ")
                .append('"')
                .append(k)
                .append("\": \"")
                .append(v)
                .append('"'));
    HttpResponse<String> r =
        TestServer.send(
            "POST",
            "/api/v1/jobs",
            TestServer.get().operator(),
            "{\"job\": \"rotate\", \"deployment\": \"" + db + "\", \"parameters\": {" + p + "}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return OperationsIT.json(r).path("id").asLong();
  }

  private static JsonNode streamer(String db) {
    return OperationsIT.json(
        TestServer.send(
            "GET", "/api/v1/deployments/" + db + "/streamer", TestServer.get().viewer(), null));
  }

  /** The ids the API lists, oldest first (as a rotation plan lists them). */
  private static List<String> backupIds(String db) {
    List<String> ids = new ArrayList<>();
    backups(db).forEach(b -> ids.add(b.path("backup_id").asText()));
    ids.sort(String::compareTo);
    return ids;
  }

  private static List<String> withAction(Map<String, String> plan, String action) {
    return plan.entrySet().stream()
        .filter(e -> e.getValue().equals(action))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The rotation plan the page shows: backup id to action, in the page's order. */
  private Map<String, String> rotationShown() {
    Map<String, String> shown = new LinkedHashMap<>();
    for (WebElement row : browser.findElements(By.cssSelector("#rotation-plan tbody tr"))) {
      shown.put(
          row.findElement(By.tagName("th")).getText(),
          row.findElements(By.tagName("td")).get(0).getText());
    }
    return shown;
  }

  /** Clicks a button that posts its form, and waits until the answer replaced the page. */
  private void post(By button) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(button).click();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.stalenessOf(page));
  }

  private void markDocument() {
    ((JavascriptExecutor) browser)
        .executeScript("document.documentElement.setAttribute(arguments[0], 'yes')", MARKER);
  }

  private boolean documentMarked() {
    return "yes"
        .equals(
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.documentElement.getAttribute(arguments[0])", MARKER));
  }

  /**
   * Waits, without reloading, until the page shows {@code what}: only the page's own refresh can
   * bring it. An element replaced by a refresh while it is read is read again.
   */
  private void awaitOnPage(String what, java.util.function.BooleanSupplier shown) {
    new WebDriverWait(browser, Duration.ofMinutes(3))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .withMessage(what)
        .until(b -> shown.getAsBoolean());
  }
}
