package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * The systemd unit of the WAL streamer that the distribution ships: it has the settings a service
 * manager needs to run and stop the streamer cleanly, its command line is one this command tree
 * accepts, and the distribution's assembly packs it. ({@code systemd-analyze verify} of the unit is
 * part of the release check in docs/reference/systemd.md: not every build machine has systemd.)
 */
class SystemdUnitTest {
  static final Path UNIT = Path.of("src/main/dist/systemd/pg_hardstorage-wal-stream@.service");

  /** Section name to its settings; a key that repeats keeps its last value. */
  static Map<String, Map<String, String>> parse(Path unit) throws IOException {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String raw : Files.readAllLines(unit)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      assertThat(line).as("continuation lines are not used").doesNotEndWith("\\");
      if (line.startsWith("[")) {
        assertThat(line).endsWith("]");
        current = new LinkedHashMap<>();
        sections.put(line.substring(1, line.length() - 1), current);
        continue;
      }
      assertThat(current).as("a setting before any section: " + line).isNotNull();
      int eq = line.indexOf('=');
      assertThat(eq).as("not key=value: " + line).isPositive();
      current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return sections;
  }

  @Test
  void theUnitHasWhatAServiceManagerNeeds() throws IOException {
    Map<String, Map<String, String>> unit = parse(UNIT);
    assertThat(unit).containsOnlyKeys("Unit", "Service", "Install");
    assertThat(unit.get("Unit")).containsKeys("Description", "After", "Wants");
    Map<String, String> service = unit.get("Service");
    assertThat(service)
        .containsEntry("Restart", "on-failure")
        .containsEntry("KillSignal", "SIGTERM")
        .containsEntry("NoNewPrivileges", "yes")
        .containsEntry("ProtectSystem", "strict")
        .containsEntry("PrivateTmp", "yes")
        .containsKeys("User", "Group", "RestartSec", "TimeoutStopSec", "ReadWritePaths");
    // exit 0 is the streamer's clean stop: never something to restart or to call a failure
    assertThat(service).doesNotContainKeys("SuccessExitStatus", "MemoryDenyWriteExecute");
    assertThat(service.get("ExecStart"))
        .startsWith("/opt/pg_hardstorage/bin/pg_hardstorage wal stream %i ")
        .contains("--config /etc/pg_hardstorage/pg_hardstorage.yml");
    assertThat(unit.get("Install")).containsEntry("WantedBy", "multi-user.target");
  }

  @Test
  void itsCommandLineIsOneTheCommandTreeAccepts() throws IOException {
    String exec = parse(UNIT).get("Service").get("ExecStart");
    List<String> words = new ArrayList<>(List.of(exec.split(" +")));
    assertThat(words.remove(0)).endsWith("/bin/pg_hardstorage");
    List<String> args = words.stream().map(w -> w.replace("%i", "db1")).toList();

    ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));

    ParseResult stream = parsed.subcommand().subcommand();
    assertThat(stream.commandSpec().qualifiedName()).isEqualTo("pg_hardstorage wal stream");
    assertThat(stream.matchedPositionalValue(0, "")).isEqualTo("db1");
    assertThat(stream.matchedOptionValue("--config", (Path) null))
        .isEqualTo(Path.of("/etc/pg_hardstorage/pg_hardstorage.yml"));
    assertThat(stream.matchedOptionValue("--output", (Object) null).toString()).isEqualTo("text");
  }

  @Test
  void theDistributionPacksTheUnit() throws IOException {
    String assembly = Files.readString(Path.of("src/assembly/dist.xml"));
    assertThat(assembly)
        .contains("<directory>${project.build.directory}/pg_hardstorage/systemd</directory>")
        .contains("<outputDirectory>systemd</outputDirectory>");
  }
}
