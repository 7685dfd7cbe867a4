package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory store is a test fixture of core: the command line refuses a {@code memory://}
 * repository (it would vanish with the process, backups included) as a usage error.
 */
class MemoryRepositoryRefusedTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {"repo init memory://x", "repo info --repo memory://x", "list --repo memory://x"})
  void aMemoryRepositoryIsAUsageError(String command) throws Exception {
    // a configuration of its own, so that none of this machine's is read
    Path config = Files.writeString(tmp.resolve("pg_hardstorage.yml"), "deployments: {}\n");
    StringWriter out = new StringWriter();
    String[] args = (command + " --config " + config + " --output json").split(" ");
    int exit = Main.run(args, new PrintWriter(out), new PrintWriter(new StringWriter()));

    JsonNode error = new ObjectMapper().readTree(out.toString()).path("error");
    assertThat(exit).as(out.toString()).isEqualTo(2);
    assertThat(error.path("code").asText()).isEqualTo("repo.bad_url");
    assertThat(error.path("message").asText())
        .contains("memory://x")
        .contains("in-memory store for tests");
  }
}
