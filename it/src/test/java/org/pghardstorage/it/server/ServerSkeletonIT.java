package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pghardstorage.devstack.ServerStack;

/**
 * The walking skeleton inside the real Payara: health, metrics, console, a Jakarta Batch job, a
 * managed-executor task, and role checks.
 */
class ServerSkeletonIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void healthReportsServerCatalogueAndVersionWithoutCredentials() throws Exception {
    HttpResponse<String> r = TestServer.send("GET", "/api/v1/health", null, null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode h = JSON.readTree(r.body());
    assertThat(h.path("status").asText()).isEqualTo("UP");
    assertThat(h.path("server").asText()).contains("Payara");
    assertThat(h.path("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(h.path("catalogue").path("database").asText()).startsWith("PostgreSQL 18");
    assertThat(h.path("catalogue").path("schema_version").asText()).isEqualTo("3");
  }

  @Test
  void metricsExposeApplicationGauges() {
    HttpResponse<String> r =
        TestServer.send("GET", "/metrics?scope=application", null, null, "text/plain");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .containsPattern("(?m)^pg_hardstorage_catalogue_up\\{[^}]*\\} 1(\\.0)?$")
        .contains("pg_hardstorage_build_info");
  }

  @Test
  void consoleRendersForASignedInUserAndShowsOthersTheLoginPage() {
    ServerStack s = TestServer.get();

    HttpResponse<String> anonymous = ConsoleSession.anonymous().get("/console/");
    HttpResponse<String> viewer = ConsoleSession.signIn(s.viewer()).get("/console/");

    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).contains("j_security_check").doesNotContain("server-status");
    assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(200);
    assertThat(viewer.body())
        .contains("<h1>Overview</h1>")
        .contains("server-status")
        .contains("UP");
  }

  @Test
  void batchJobRunsToCompletionAndRecordsItsEvent() throws Exception {
    ServerStack s = TestServer.get();

    HttpResponse<String> started =
        TestServer.send("POST", "/api/v1/system/selfcheck", s.operator(), null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    long id = JSON.readTree(started.body()).path("id").asLong();
    assertThat(started.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/system/jobs/" + id));

    JsonNode job = awaitJob(id, s.viewer());
    assertThat(job.path("status").asText()).isEqualTo("COMPLETED");
    String eventId = job.path("exit_status").asText().replace("EVENT ", "");

    JsonNode events =
        JSON.readTree(TestServer.send("GET", "/api/v1/system/events", s.viewer(), null).body());
    assertThat(events.findValuesAsText("id")).contains(eventId);
    assertThat(events.findValuesAsText("actor")).contains("operator");
  }

  @Test
  void managedExecutorRunsATaskThatReachesTheCatalogue() throws Exception {
    HttpResponse<String> r =
        TestServer.send("POST", "/api/v1/system/executor-probe", TestServer.get().operator(), null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.path("thread").asText())
        .isNotBlank()
        .isNotEqualTo(p.path("caller_thread").asText());
    assertThat(p.path("catalogue_time").asText()).matches("\\d{4}-\\d\\d-\\d\\d .*");
  }

  @Test
  void rolesAreEnforced() throws Exception {
    ServerStack s = TestServer.get();

    HttpResponse<String> none = TestServer.send("POST", "/api/v1/system/selfcheck", null, null);
    HttpResponse<String> wrongPassword =
        TestServer.send(
            "GET", "/api/v1/system/events", new ServerStack.User("viewer", "wrong"), null);
    HttpResponse<String> viewer =
        TestServer.send("POST", "/api/v1/system/selfcheck", s.viewer(), null);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(viewer.body()).path("code").asText()).isEqualTo("auth.forbidden");
  }

  @Test
  void theDeploymentsOverviewGivesAViewerEveryFigureAndUnknownsAsNull() throws Exception {
    ServerStack s = TestServer.get();
    TestServer.createUnreadableDeployment("skeleton-overview");
    try {
      HttpResponse<String> anonymous =
          TestServer.send("GET", "/api/v1/deployments/overview", null, null);
      HttpResponse<String> viewer =
          TestServer.send("GET", "/api/v1/deployments/overview", s.viewer(), null);
      HttpResponse<String> reserved =
          TestServer.send(
              "POST",
              "/api/v1/deployments",
              s.admin(),
              "{\"name\": \"overview\", \"conninfo\": \"host=127.0.0.1 port=1 user=nobody\","
                  + " \"repository_url\": \"file:///nonexistent/pghs-overview\"}");

      assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
      assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(200);
      JsonNode row = null;
      for (JsonNode d : JSON.readTree(viewer.body()).path("deployments")) {
        if (d.path("deployment").asText().equals("skeleton-overview")) {
          row = d;
        }
      }
      assertThat(row).as(viewer.body()).isNotNull();
      assertThat(row.path("health").asText()).isEqualTo("unknown");
      assertThat(row.path("health_reasons").get(0).asText()).isNotBlank();
      assertThat(row.path("streamer").asText()).isEqualTo("off");
      for (String unknown :
          new String[] {
            "wal_lag_bytes", "rpo_seconds", "last_backup_id", "last_verify_ok", "repository_bytes"
          }) {
        assertThat(row.has(unknown) && row.get(unknown).isNull())
            .as(unknown + " in " + row)
            .isTrue();
      }
      assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(400);
      assertThat(JSON.readTree(reserved.body()).path("code").asText())
          .isEqualTo("deployment.name_reserved");
    } finally {
      TestServer.send("DELETE", "/api/v1/deployments/skeleton-overview", s.admin(), null);
    }
  }

  private static JsonNode awaitJob(long id, ServerStack.User user) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (true) {
      HttpResponse<String> r = TestServer.send("GET", "/api/v1/system/jobs/" + id, user, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode job = JSON.readTree(r.body());
      String status = job.path("status").asText();
      if (!status.equals("STARTING") && !status.equals("STARTED")) {
        return job;
      }
      assertThat(Instant.now()).as("job %d still %s", id, status).isBefore(deadline);
      Thread.sleep(500);
    }
  }
}
