package org.pghardstorage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the command line in this JVM with a given configuration file (so that none on this machine
 * is read) and JSON output, and reads back the envelope.
 */
final class InProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InProcess() {}

  /**
   * One run's outcome.
   *
   * @param exit the exit status
   * @param doc the JSON envelope printed on standard output
   */
  record Run(int exit, JsonNode doc) {
    JsonNode result() {
      return doc.path("result");
    }

    String code() {
      return doc.path("error").path("code").asText();
    }

    String message() {
      return doc.path("error").path("message").asText();
    }

    String suggestion() {
      return doc.path("error").path("suggestion").asText();
    }

    @Override
    public String toString() {
      return "exit " + exit + ": " + doc;
    }
  }

  /** Runs {@code args} with {@code --config config --output json}. */
  static Run run(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString(), "--output", "json"));
    StringWriter out = new StringWriter();
    int exit =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(new StringWriter()));
    try {
      return new Run(exit, JSON.readTree(out.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + out, e);
    }
  }
}
