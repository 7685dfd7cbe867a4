package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.ServerStack;
import org.pghardstorage.it.cli.Cli;

/**
 * The console's add and edit page ({@code deployment-edit.xhtml}) against a real PostgreSQL 18 and
 * a real file repository: an admin adds a deployment, whose connection test first fails with a
 * wrong password (the engine's error and code shown) and then passes (server version, REPLICATION),
 * saves it and {@code GET /api/v1/deployments/{d}} gives what was entered; an edit shows in the
 * API; a bad repository URL and a password typed as a literal are refused with the service's
 * message at their field and change nothing; an operator and a viewer are offered no add or edit
 * control and their forged posts are answered 403 with nothing changed; no page ever holds a secret
 * file's content. Screenshots {@code edit-*.png}.
 */
class ConsoleDeploymentEditBrowserIT extends AbstractConsoleBrowserIT {
  private static final String DB = "console-edit";
  private static final String PASSWORD = "backup-secret";
  private static final String WRONG = "not-the-backup-password";

  @Test
  void anAdminAddsTestsAndEditsADeploymentOthersCannot() throws Exception {
    ServerStack s = TestServer.get();
    Path work = Locations.newRunDir("pghs-it-console-edit-");
    Path right = s.secretsDir().resolve(DB + ".password");
    Path wrong = s.secretsDir().resolve(DB + ".wrong");
    try (PgCluster pg = PgCluster.builder(18).in(work.resolve("pg")).start()) {
      pg.createRole("backup", PASSWORD, true);
      String repo = "file://" + work.resolve("repo");
      Cli.Result init = Cli.run("repo", "init", repo);
      assertThat(init.exitCode()).as(init.toString()).isZero();
      secretFile(right, PASSWORD);
      secretFile(wrong, WRONG);
      String conninfo = "host=127.0.0.1 port=" + pg.port() + " user=backup dbname=postgres";
      try {
        // (a) an admin opens the add page from the overview
        ServerStack.User admin = s.admin();
        browser.get(url("/console/"));
        awaitLoginForm();
        signIn(admin.name(), admin.password());
        waitFor(By.id("add-deployment"));
        browser.findElement(By.id("add-deployment")).click();
        waitFor(By.id("edit:save"));
        screenshot("edit-01-add-form");
        assertThat(browser.findElement(By.id("secrets-note")).getText())
            .contains("Secrets are entered only as references");
        for (String id : List.of("edit:name", "edit:conninfo", "edit:password-ref")) {
          String label =
              browser.findElement(By.cssSelector("label[for='" + id + "']")).getText().strip();
          assertThat(label).as("the label of " + id).isNotEmpty();
        }

        // (b) the connection test fails with the wrong password, and nothing is saved
        fill("edit:name", DB);
        fill("edit:conninfo", conninfo);
        fill("edit:password-ref", "file:" + wrong);
        fill("edit:repository-url", repo);
        fill("edit:backup-schedule", "30 2 * * *");
        fill("edit:keep-daily", "9");
        WebElement streaming = browser.findElement(By.id("edit:streaming"));
        assertThat(streaming.isSelected()).as("a streamer is on by default").isTrue();
        streaming.click();
        press("edit:test");
        waitFor(By.id("test-error"));
        screenshot("edit-02-connection-test-wrong-password");
        assertThat(browser.findElement(By.id("test-error-code")).getText())
            .isEqualTo("pg.auth_failed");
        assertThat(browser.findElement(By.id("test-error-detail")).getText())
            .contains("authentication failed");
        assertThat(browser.findElement(By.id("edit:password-ref")).getAttribute("value"))
            .as("a reference is shown again, it is no secret")
            .isEqualTo("file:" + wrong);
        assertNoSecretShown();
        assertThat(api(DB).statusCode()).as("a test saves nothing").isEqualTo(404);

        // (c) with the right password it passes: the server's version and REPLICATION
        fill("edit:password-ref", "file:" + right);
        press("edit:test");
        waitFor(By.id("test-outcome"));
        screenshot("edit-03-connection-test-passed");
        assertThat(browser.findElement(By.id("test-outcome")).getText()).startsWith("Passed");
        assertThat(browser.findElement(By.id("test-server-version")).getText()).startsWith("18");
        assertThat(browser.findElement(By.id("test-replication")).getText())
            .isEqualTo("yes: role backup has REPLICATION");
        assertThat(browser.findElement(By.id("edit:streaming")).isSelected()).isFalse();
        assertNoSecretShown();
        assertThat(api(DB).statusCode()).isEqualTo(404);

        // (d) saved, the API gives what was entered
        press("edit:save");
        waitFor(By.id("edit-saved"));
        screenshot("edit-04-saved");
        JsonNode saved = OperationsIT.json(api(DB));
        assertThat(saved.path("name").asText()).isEqualTo(DB);
        assertThat(saved.path("conninfo").asText()).isEqualTo(conninfo);
        assertThat(saved.path("password_ref").asText()).isEqualTo("file:" + right);
        assertThat(saved.path("repository_url").asText()).isEqualTo(repo);
        assertThat(saved.path("kek_ref").isMissingNode())
            .as("the API leaves out null fields: " + saved)
            .isTrue();
        assertThat(saved.path("backup_schedule").asText()).isEqualTo("30 2 * * *");
        assertThat(saved.path("verify_schedule").isMissingNode()).isTrue();
        assertThat(saved.path("rotate_schedule").isMissingNode()).isTrue();
        assertThat(saved.path("keep"))
            .isEqualTo(
                OperationsIT.json(
                    "{\"hourly\":0,\"daily\":9,\"weekly\":4,\"monthly\":6,\"yearly\":0}"));
        assertThat(saved.path("streaming").asBoolean()).isFalse();
        assertThat(browser.findElement(By.id("slot-shown")).getText())
            .isEqualTo(saved.path("slot").asText())
            .isNotEmpty();
        assertNoSecretShown();

        // (e) edited from the deployment page, the API shows the change
        browser.get(url("/console/deployment.xhtml?name=" + DB));
        waitFor(By.id("edit-deployment"));
        browser.findElement(By.id("edit-deployment")).click();
        waitFor(By.id("edit:save"));
        assertThat(browser.findElement(By.id("edit:conninfo")).getAttribute("value"))
            .isEqualTo(conninfo);
        fill("edit:verify-schedule", "0 5 * * 0");
        fill("edit:keep-weekly", "8");
        press("edit:save");
        waitFor(By.id("edit-saved"));
        screenshot("edit-05-edited");
        JsonNode edited = OperationsIT.json(api(DB));
        assertThat(edited.path("verify_schedule").asText()).isEqualTo("0 5 * * 0");
        assertThat(edited.path("keep").path("weekly").asInt()).isEqualTo(8);
        assertThat(edited.path("backup_schedule").asText()).isEqualTo("30 2 * * *");
        assertThat(edited.path("password_ref").asText()).isEqualTo("file:" + right);
        assertThat(edited.path("slot")).isEqualTo(saved.path("slot"));

        // (f) a bad repository URL: the service's message at its field, nothing saved
        String before = api(DB).body();
        fill("edit:repository-url", "nosuch://bucket/x");
        press("edit:save");
        waitFor(By.id("error-repository-url"));
        screenshot("edit-06-bad-repository-url");
        HttpResponse<String> apiRefusal =
            TestServer.send(
                "PUT",
                "/api/v1/deployments/" + DB,
                admin,
                "{\"conninfo\": \""
                    + conninfo
                    + "\", \"repository_url\": \"nosuch://bucket/x\", \"password_ref\": \"file:"
                    + right
                    + "\"}");
        assertThat(apiRefusal.statusCode()).as(apiRefusal.body()).isEqualTo(400);
        JsonNode problem = OperationsIT.json(apiRefusal);
        assertThat(browser.findElement(By.id("error-repository-url")).getText())
            .startsWith(problem.path("detail").asText())
            .contains("nosuch");
        assertThat(browser.findElement(By.id("edit-error")).getText())
            .contains("Nothing was saved");
        assertThat(api(DB).body()).as("nothing was saved").isEqualTo(before);

        // a password typed where its reference belongs: refused, and never shown again
        fill("edit:repository-url", repo);
        fill("edit:password-ref", PASSWORD);
        press("edit:save");
        waitFor(By.id("error-password-ref"));
        screenshot("edit-07-literal-secret");
        assertThat(browser.findElement(By.id("error-password-ref")).getText())
            .contains("password_ref", "is not a secret reference", "not shown");
        assertThat(browser.findElement(By.id("edit:password-ref")).getAttribute("value")).isEmpty();
        assertThat(browser.findElement(By.id("edit-forgotten")).getText()).contains("password_ref");
        assertNoSecretShown();
        assertThat(api(DB).body()).as("nothing was saved").isEqualTo(before);
        assertThat(cspViolations()).as("the page works under the console's CSP").isEmpty();
        browser.findElement(By.id("logout:sign-out")).click();
        waitFor(By.id("signed-out"));

        // (g) an operator and a viewer: no add or edit control, and a forged post changes nothing
        for (ServerStack.User user : List.of(s.operator(), s.viewer())) {
          browser.get(url("/console/"));
          awaitLoginForm();
          signIn(user.name(), user.password());
          waitFor(By.id("server-status"));
          assertThat(browser.findElements(By.id("add-deployment"))).as(user.name()).isEmpty();
          browser.get(url("/console/deployment.xhtml?name=" + DB));
          waitFor(By.id("deployment-name"));
          assertThat(browser.findElements(By.id("edit-deployment"))).as(user.name()).isEmpty();
          browser.get(url("/console/deployment-edit.xhtml?name=" + DB));
          waitFor(By.id("edit-refused"));
          screenshot("edit-08-refused-" + user.name());
          assertThat(browser.findElements(By.cssSelector("#edit, #edit\\:save, #edit\\:test")))
              .isEmpty();
          assertNoSecretShown();
          browser.findElement(By.id("logout:sign-out")).click();
          waitFor(By.id("signed-out"));

          ConsoleSession session = ConsoleSession.signIn(user);
          // Payara completes a FORM sign-in on the page it was asked for: the overview
          assertThat(session.get("/console/").body()).contains("server-status");
          HttpResponse<String> page = session.get("/console/deployment-edit.xhtml?name=" + DB);
          assertThat(page.body()).contains("edit-refused").doesNotContain("edit:save");
          Map<String, String> forged = new LinkedHashMap<>();
          forged.put("edit", "edit");
          forged.put("name", DB);
          forged.put("edit:conninfo", conninfo);
          forged.put("edit:password-ref", "file:" + wrong);
          forged.put("edit:repository-url", repo);
          forged.put("edit:keep-daily", "1");
          forged.put("edit:save", "Save changes");
          forged.put("jakarta.faces.ViewState", ConsoleSession.viewState(page.body()));
          HttpResponse<String> refused =
              session.post("/console/deployment-edit.xhtml", forged, Map.of());
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
          assertThat(refused.body())
              .contains("Not allowed: adding or changing a deployment needs the admin role");
          assertThat(api(DB).body()).as("the forged edit changed nothing").isEqualTo(before);

          Map<String, String> forgedAdd = new LinkedHashMap<>();
          forgedAdd.put("edit", "edit");
          forgedAdd.put("edit:name", DB + "-forged");
          forgedAdd.put("edit:conninfo", conninfo);
          forgedAdd.put("edit:repository-url", repo);
          forgedAdd.put("edit:save", "Add deployment");
          HttpResponse<String> addPage = session.get("/console/deployment-edit.xhtml");
          forgedAdd.put("jakarta.faces.ViewState", ConsoleSession.viewState(addPage.body()));
          HttpResponse<String> refusedAdd =
              session.post("/console/deployment-edit.xhtml", forgedAdd, Map.of());
          assertThat(refusedAdd.statusCode()).as(refusedAdd.body()).isEqualTo(403);
          assertThat(api(DB + "-forged").statusCode())
              .as("the forged add added nothing")
              .isEqualTo(404);
        }
      } finally {
        TestServer.send("DELETE", "/api/v1/deployments/" + DB, s.admin(), null);
        Files.deleteIfExists(right);
        Files.deleteIfExists(wrong);
      }
    } finally {
      if (!Boolean.getBoolean("pghs.it.keep")) {
        Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
      }
    }
  }

  private static void secretFile(Path file, String secret) throws java.io.IOException {
    Files.writeString(file, secret + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  private static HttpResponse<String> api(String name) {
    return TestServer.send("GET", "/api/v1/deployments/" + name, TestServer.get().viewer(), null);
  }

  private void fill(String id, String value) {
    WebElement input = browser.findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  /** Presses a button of the form and waits for the page the post answers with. */
  private void press(String id) {
    WebElement button = browser.findElement(By.id(id));
    button.click();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.stalenessOf(button));
    waitFor(By.id("edit-heading"));
  }

  /** The page, as the browser holds it (its HTML and its inputs' values), holds no secret. */
  private void assertNoSecretShown() {
    assertThat(browser.getPageSource()).doesNotContain(PASSWORD).doesNotContain(WRONG);
    for (WebElement input : browser.findElements(By.cssSelector("input"))) {
      assertThat(String.valueOf(input.getAttribute("value")))
          .doesNotContain(PASSWORD)
          .doesNotContain(WRONG);
    }
  }
}
