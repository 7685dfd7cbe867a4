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
    all.addAll(List.of("--output", "json"));
    Printed p = printed(config, all.toArray(String[]::new));
    try {
      return new Run(p.exit(), JSON.readTree(p.out()));
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + p.out(), e);
    }
  }

  /**
   * What a run printed on standard output, and its exit status.
   *
   * @param exit the exit status
   * @param out standard output
   */
  record Printed(int exit, String out) {}

  /** Runs {@code args} with {@code --config config} in the format they choose. */
  static Printed printed(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    StringWriter out = new StringWriter();
    int exit =
        Main.run(
            all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(new StringWriter()));
    return new Printed(exit, out.toString());
  }
}
