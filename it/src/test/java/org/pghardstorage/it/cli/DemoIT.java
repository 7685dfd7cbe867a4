package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pg_hardstorage demo} as a newcomer runs it: the launcher as a process, PostgreSQL 18 from
 * the binaries the distribution ships. It must pass, report every step, and leave nothing behind:
 * no server, no work directory, also when stopped half-way.
 */
class DemoIT {
  private static final List<String> STEPS =
      List.of(
          "prepare",
          "start source",
          "load data",
          "repo init",
          "backup",
          "verify",
          "restore",
          "start restored",
          "compare",
          "clean up");

  @TempDir Path tmp;

  @Test
  void passesEveryStepAndLeavesNothingBehind() throws IOException {
    Cli.home(); // staged before the snapshot of /tmp
    Set<String> before = runDirs();

    Cli.Result r = Cli.run("demo", "--output", "json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode result = r.result();
    assertThat(result.path("passed").asBoolean()).as(r.toString()).isTrue();
    assertThat(result.path("postgres_version").asText()).startsWith("18.");
    assertThat(result.path("backup_id").asText()).isNotBlank();
    assertThat(result.path("steps").findValuesAsText("step")).containsExactlyElementsOf(STEPS);
    assertThat(result.path("steps").findValuesAsText("result")).containsOnly("passed");
    JsonNode tables = result.path("comparison").path("tables");
    assertThat(tables.size()).isEqualTo(3);
    for (JsonNode t : tables) {
      assertThat(t.path("rows_source").asLong()).as(t.toString()).isPositive();
      assertThat(t.path("rows_restored").asLong())
          .as(t.toString())
          .isEqualTo(t.path("rows_source").asLong());
      assertThat(t.path("md5_restored").asText()).isEqualTo(t.path("md5_source").asText());
    }
    assertThat(result.path("comparison").path("equal").asBoolean()).isTrue();
    assertThat(r.stdout()).doesNotContain("password=").doesNotContain("pghs_demo password");

    Path workDir = Path.of(result.path("work_dir").asText());
    assertNothingLeft(workDir);
    assertThat(runDirs()).as("new /tmp/pghs-demo-* or pghs-adopted-*").isEqualTo(before);
  }

  @Test
  void sigtermMidBackupStopsTheServersRemovesTheWorkDirectoryAndExitsAborted()
      throws IOException, InterruptedException {
    Path log = tmp.resolve("demo.ndjson");
    int exit;
    try (Cli.Background demo = Cli.start(log, "demo", "--output", "ndjson")) {
      awaitLine(demo, "\"step\":\"backup\",\"status\":\"started\"", Duration.ofMinutes(5));
      exit = demo.terminate();
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(exit).as(String.join("\n", lines)).isEqualTo(5);
    ObjectMapper json = new ObjectMapper();
    Path workDir = null;
    for (String line : lines) {
      JsonNode event = json.readTree(line);
      if (event.path("progress").has("work_dir")) {
        workDir = Path.of(event.path("progress").path("work_dir").asText());
      }
    }
    assertThat(workDir).as("a workspace event in %s", lines).isNotNull();
    JsonNode last = json.readTree(lines.get(lines.size() - 1));
    assertThat(last.path("event").asText()).isEqualTo("error");
    assertThat(last.path("error").path("code").asText()).isEqualTo("demo.interrupted");
    assertThat(last.path("error").path("exit_code").asInt()).isEqualTo(5);
    assertNothingLeft(workDir);
  }

  private static void awaitLine(Cli.Background b, String fragment, Duration limit)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (!b.output().contains(fragment)) {
      assertThat(b.process().isAlive()).as("demo ended early:\n%s", b.output()).isTrue();
      assertThat(Instant.now()).as("waiting for %s:\n%s", fragment, b.output()).isBefore(deadline);
      Thread.sleep(200);
    }
  }

  /** No work directory, and no process (postmaster, wal fetch) whose command line names it. */
  private static void assertNothingLeft(Path workDir) throws IOException {
    assertThat(workDir).doesNotExist();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        if (proc.getFileName().toString().equals(String.valueOf(self))) {
          continue;
        }
        String cmdline;
        try {
          cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
        } catch (IOException gone) {
          continue; // the process ended while we looked
        }
        assertThat(cmdline).as("process %s", proc.getFileName()).doesNotContain(workDir.toString());
      }
    }
  }

  private static Set<String> runDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/tmp"))) {
      Set<String> out = new HashSet<>();
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("pghs-demo-") || n.startsWith("pghs-adopted-"))
          .forEach(out::add);
      return out;
    }
  }
}
