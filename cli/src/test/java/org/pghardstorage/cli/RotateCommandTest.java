package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code rotate} gets its policy, and that a missing or empty one is a usage error before the
 * repository is even opened. The rotation itself is covered by core's RotatorTest and the RotateIT
 * process test.
 */
class RotateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private record Run(int exit, JsonNode doc) {
    String code() {
      return doc.path("error").path("code").asText();
    }
  }

  private Run rotate(String yaml, String... args) throws IOException {
    Path config = tmp.resolve("pg_hardstorage.yml");
    Files.writeString(
        config,
        "repository: file://" + tmp.resolve("no-such-repo") + "\ndeployments:\n  db1:\n" + yaml);
    List<String> all = new ArrayList<>(List.of("rotate", "db1"));
    all.addAll(List.of(args));
    all.addAll(List.of("--config", config.toString(), "--output", "json"));
    StringWriter out = new StringWriter();
    int exit =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(new StringWriter()));
    return new Run(exit, JSON.readTree(out.toString()));
  }

  @Test
  void noOptionsAndNoRetentionSectionIsAUsageErrorNamingBothWays() throws IOException {
    Run r = rotate("    slot: s\n", "--apply");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.code()).isEqualTo("usage.no_policy");
    assertThat(r.doc().path("error").path("message").asText()).contains("db1");
    assertThat(r.doc().path("error").path("suggestion").asText())
        .contains("--keep-daily")
        .contains("retention");
  }

  @Test
  void countsThatKeepNothingAreRefusedFromOptionsAndFromTheFile() throws IOException {
    assertThat(rotate("    slot: s\n", "--keep-daily", "0", "--apply").code())
        .isEqualTo("retention.invalid_policy");
    assertThat(rotate("    slot: s\n", "--keep-weekly", "-1").code())
        .isEqualTo("retention.invalid_policy");
    Run zeros = rotate("    retention: {daily: 0, weekly: 0}\n", "--apply");
    assertThat(zeros.exit()).isEqualTo(2);
    assertThat(zeros.code()).isEqualTo("retention.invalid_policy");
  }

  @Test
  void anUnknownRetentionKeyInTheFileIsAnError() throws IOException {
    Run r = rotate("    retention: {dayly: 7}\n");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.code()).isEqualTo("config.invalid");
    assertThat(r.doc().path("error").path("message").asText())
        .contains("'dayly'")
        .contains("daily");
  }

  @Test
  void aPolicyFromTheFileOrFromOptionsGoesOnToTheRepository() throws IOException {
    // the repository does not exist: failing on that means the policy was accepted
    for (Run r :
        List.of(
            rotate("    retention: {daily: 7}\n"), rotate("    slot: s\n", "--keep-hourly", "1"))) {
      assertThat(r.exit()).as(r.doc().toString()).isNotIn(0, 2);
      assertThat(r.code()).doesNotStartWith("usage.").doesNotStartWith("retention.");
    }
  }

  @Test
  void onlyTheGfsPolicyExists() throws IOException {
    Run r = rotate("    slot: s\n", "--policy", "fifo", "--keep-daily", "1");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.code()).isEqualTo("usage.unknown_policy");
  }
}
