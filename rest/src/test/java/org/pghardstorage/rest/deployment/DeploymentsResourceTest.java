package org.pghardstorage.rest.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.ejb.status.DeploymentOverview;

/**
 * {@code GET /api/v1/deployments/overview} writes the service's overviews as they are: every figure
 * of every deployment, in the service's order, and a figure nobody can tell as an explicit null
 * (the console's "unknown"), never left out and never a zero.
 */
class DeploymentsResourceTest {
  private static final DeploymentOverview KNOWN =
      new DeploymentOverview(
          "db1",
          "amber",
          List.of("the newest backup was never verified"),
          "STREAMING",
          null,
          4096L,
          0.25,
          1L,
          "20261205T120000Z-aaaaaa",
          Instant.parse("2026-12-05T12:01:00Z"),
          11_520L,
          "completed",
          null,
          Instant.parse("2026-12-05T13:00:00Z"),
          true,
          1_610_612_736L,
          0.357);

  private static final DeploymentOverview UNKNOWN =
      new DeploymentOverview(
          "db2",
          "unknown",
          List.of("the bucket is unreachable"),
          "elsewhere",
          "host-b:/srv/payara",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null);

  @Test
  void everyFigureOfEveryDeploymentIsWrittenInTheServicesOrder() throws Exception {
    JsonNode doc =
        ResultJson.mapper()
            .readTree(
                ResultJson.write(DeploymentsResource.overviewDocument(List.of(KNOWN, UNKNOWN))));

    JsonNode all = doc.path("deployments");
    assertThat(all).hasSize(2);
    JsonNode db1 = all.get(0);
    assertThat(db1.path("deployment").asText()).isEqualTo("db1");
    assertThat(db1.path("health").asText()).isEqualTo("amber");
    assertThat(db1.path("health_reasons").get(0).asText())
        .isEqualTo("the newest backup was never verified");
    assertThat(db1.path("streamer").asText()).isEqualTo("STREAMING");
    assertThat(db1.path("wal_lag_bytes").asLong()).isEqualTo(4096);
    assertThat(db1.path("wal_lag_seconds").asDouble()).isEqualTo(0.25);
    assertThat(db1.path("rpo_seconds").asLong()).isEqualTo(1);
    assertThat(db1.path("last_backup_id").asText()).isEqualTo("20261205T120000Z-aaaaaa");
    assertThat(db1.path("last_backup_finished_at").asText()).isEqualTo("2026-12-05T12:01:00Z");
    assertThat(db1.path("last_backup_age_seconds").asLong()).isEqualTo(11_520);
    assertThat(db1.path("last_backup_run_state").asText()).isEqualTo("completed");
    assertThat(db1.path("last_verified_at").asText()).isEqualTo("2026-12-05T13:00:00Z");
    assertThat(db1.path("last_verify_ok").asBoolean()).isTrue();
    assertThat(db1.path("repository_bytes").asLong()).isEqualTo(1_610_612_736L);
    assertThat(db1.path("dedup_ratio").asDouble()).isEqualTo(0.357);
    assertThat(all.get(1).path("deployment").asText()).isEqualTo("db2");
    assertThat(all.get(1).path("streamer_instance").asText()).isEqualTo("host-b:/srv/payara");
  }

  @Test
  void aFigureTheServerCannotTellIsAnExplicitNull() throws Exception {
    JsonNode db2 =
        ResultJson.mapper()
            .readTree(ResultJson.write(DeploymentsResource.overviewDocument(List.of(UNKNOWN))))
            .path("deployments")
            .get(0);

    List<String> fields =
        Arrays.stream(DeploymentOverview.class.getRecordComponents())
            .map(RecordComponent::getName)
            .map(DeploymentsResourceTest::snake)
            .toList();
    assertThat(fields).allSatisfy(f -> assertThat(db2.has(f)).as(f).isTrue());
    assertThat(db2.size()).isEqualTo(fields.size());
    assertThat(
            List.of(
                "wal_lag_bytes",
                "wal_lag_seconds",
                "rpo_seconds",
                "last_backup_id",
                "last_backup_finished_at",
                "last_backup_age_seconds",
                "last_backup_run_state",
                "last_backup_run_error",
                "last_verified_at",
                "last_verify_ok",
                "repository_bytes",
                "dedup_ratio"))
        .allSatisfy(f -> assertThat(db2.get(f).isNull()).as(f).isTrue());
  }

  private static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }
}
