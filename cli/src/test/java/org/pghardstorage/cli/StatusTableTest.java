package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.status.DeploymentHealth;
import org.pghardstorage.core.status.DeploymentSummary;

/** {@code status -o table}: one short row per deployment, not the flattened document. */
class StatusTableTest {
  @TempDir Path tmp;

  /** A configuration listing {@code deployments} in a new, empty repository. */
  private Path emptyRepositoryWith(String deployments) throws IOException {
    String url = "file://" + tmp.resolve("repo");
    Path config = tmp.resolve("pg_hardstorage.yml");
    Files.writeString(config, "repository: \"" + url + "\"\ndeployments:\n" + deployments);
    assertThat(InProcess.run(config, "repo", "init", url).exit()).isZero();
    return config;
  }

  @Test
  void aRowPerDeploymentWithAFewShortColumns() throws IOException {
    Path config = emptyRepositoryWith("  db1: {}\n  db2: {}\n");

    InProcess.Printed table = InProcess.printed(config, "status", "-o", "table");

    assertThat(table.exit()).as(table.out()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(4); // header, rule, db1, db2
    assertThat(lines.get(0).split(" +"))
        .containsExactly(
            "deployment",
            "health",
            "streamer",
            "lag",
            "last_backup",
            "backup_age",
            "newest_wal",
            "wal_age",
            "gaps",
            "problem");
    assertThat(lines.get(2)).startsWith("db1 ");
    assertThat(lines.get(3)).startsWith("db2 ");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThan(120));
  }

  @Test
  void everyDeploymentIsJudgedByTheOneHealthModel() throws IOException {
    Path config = emptyRepositoryWith("  db1: {}\n");

    InProcess.Run json = InProcess.run(config, "status");

    assertThat(json.exit()).as(json.toString()).isZero();
    var health = json.result().path("deployments").get(0).path("health");
    assertThat(health.path("status").asText()).isEqualTo("red");
    assertThat(health.path("rpo_seconds").isNull()).isTrue();
    assertThat(health.path("reasons").toString())
        .contains("no backup", "whether a streamer receives the WAL cannot be told");
  }

  @Test
  void aStreamingDeploymentInShort() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("deployment", "db1");
    r.put(
        "summary",
        new DeploymentSummary(
            "db1",
            3,
            "20261130T110000Z-bbbbbb",
            null,
            7200L,
            "0/2500100",
            "20261130T100000Z-aaaaaa",
            1L,
            "000000010000000000000025",
            true,
            null,
            1L,
            List.of("1:000000010000000000000022..000000010000000000000023 missing"),
            List.of()));
    r.put("streamer", "streaming (pid 4242), slot pg_hardstorage_db1 confirmed 0/25000A0, lag 0 B");
    r.put("streamer_up", true);
    r.put("lag_bytes", 0L);
    r.put(
        "health",
        new DeploymentHealth(
            DeploymentHealth.Status.AMBER, 1L, List.of("1 WAL gap(s) before the newest backup")));

    assertThat(StatusCommand.tableRow(r))
        .containsExactly(
            Map.entry("deployment", "db1"),
            Map.entry("health", "amber"),
            Map.entry("streamer", "up"),
            Map.entry("lag", "0 B"),
            Map.entry("last_backup", "20261130T110000Z-bbbbbb"),
            Map.entry("backup_age", "2.0 h ago"),
            Map.entry("newest_wal", "000000010000000000000025 (partial)"),
            Map.entry("wal_age", "1 s ago"),
            Map.entry("gaps", "1"),
            Map.entry("problem", ""));
  }
}
