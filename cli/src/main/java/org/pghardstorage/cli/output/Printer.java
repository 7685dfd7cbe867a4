package org.pghardstorage.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;

/**
 * Prints results, errors and progress in the chosen {@link OutputFormat}. Structured documents
 * share one envelope: {@code {"schema": "pg_hardstorage.v1", "command": ..., "generated_at": ...,
 * "result" | "error": ...}}. Results go to standard output; text-mode progress and diagnostics go
 * to standard error so that output can be piped.
 */
public final class Printer {
  /** The envelope's schema name; bump only with an incompatible change. */
  public static final String SCHEMA = "pg_hardstorage.v1";

  private static final ObjectMapper JSON = ResultJson.mapper();
  private static final ObjectMapper YAML =
      ResultJson.configure(
          new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)));

  private final OutputFormat format;
  private final PrintWriter out;
  private final PrintWriter err;
  private final String command;
  private final Clock clock;

  public Printer(
      OutputFormat format, PrintWriter out, PrintWriter err, String command, Clock clock) {
    this.format = format;
    this.out = out;
    this.err = err;
    this.command = command;
    this.clock = clock;
  }

  /** The format in use. */
  public OutputFormat format() {
    return format;
  }

  /** The command's name as printed in the envelope, e.g. {@code wal fetch}. */
  public String command() {
    return command;
  }

  /** Jackson's view of any result object (records, maps, lists). */
  public static JsonNode tree(Object value) {
    return JSON.valueToTree(value);
  }

  /** Prints a successful result. */
  public void result(Object result, TextView text) {
    switch (format) {
      case TEXT -> text.print(out);
      case JSON -> out.println(pretty(envelope("result", tree(result))));
      case NDJSON -> out.println(compact(event("result", tree(result))));
      case YAML -> out.print(yaml(envelope("result", tree(result))));
      case TABLE -> Tables.table(rows(tree(result)), out);
      case CSV -> Tables.csv(rows(tree(result)), out);
    }
    out.flush();
  }

  /**
   * Prints a successful result whose {@code -o table} view is not its flattened document: a result
   * with nested figures flattens into rows too wide to read, so {@code table} gives the few columns
   * a person scans, one row each. Every other format prints {@code result} in full.
   */
  public void result(Object result, TextView text, List<? extends Map<String, ?>> table) {
    if (format != OutputFormat.TABLE) {
      result(result, text);
      return;
    }
    Tables.table(rows(tree(table)), out);
    out.flush();
  }

  /** Prints an error: in structured formats as an enveloped document, else on stderr. */
  public void error(HardstorageException e, boolean debug) {
    ObjectNode error = JSON.createObjectNode();
    error.put("code", e.code());
    error.put("message", Redaction.secrets(e.getMessage()));
    e.suggestion().ifPresent(s -> error.put("suggestion", s));
    error.put("exit_code", e.exitCode().code());
    switch (format) {
      case JSON -> out.println(pretty(envelope("error", error)));
      case NDJSON -> out.println(compact(event("error", error)));
      case YAML -> out.print(yaml(envelope("error", error)));
      default -> {
        err.println("error: " + Redaction.secrets(e.getMessage()));
        e.suggestion().ifPresent(s -> err.println("hint: " + s));
      }
    }
    if (debug) {
      e.printStackTrace(err);
    }
    out.flush();
    err.flush();
  }

  /**
   * Reports progress of long work: an ndjson {@code progress} event, or a line on stderr in text
   * mode. Structured single-document formats stay silent so their output remains one document.
   */
  public void progress(String phase, Map<String, Object> fields, String textLine) {
    if (format == OutputFormat.NDJSON) {
      ObjectNode event = event("progress", JSON.valueToTree(fields));
      ((ObjectNode) event.get("progress")).put("phase", phase);
      out.println(compact(event));
      out.flush();
    } else if (format == OutputFormat.TEXT && textLine != null) {
      err.println(textLine);
      err.flush();
    }
  }

  /** A line for a person: printed on stderr in text mode only. */
  public void note(String line) {
    if (format == OutputFormat.TEXT) {
      err.println(line);
      err.flush();
    }
  }

  private ObjectNode envelope(String kind, JsonNode body) {
    ObjectNode n = JSON.createObjectNode();
    n.put("schema", SCHEMA);
    n.put("command", command);
    n.put("generated_at", Instant.now(clock).toString());
    n.set(kind, body);
    return n;
  }

  private ObjectNode event(String kind, JsonNode body) {
    ObjectNode n = envelope(kind, body);
    n.put("event", kind);
    return n;
  }

  static String pretty(JsonNode n) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String compact(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String yaml(JsonNode n) {
    try {
      return YAML.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rows for table/CSV output: an array of objects as is; an object holding exactly one array of
   * objects as that array; any other object as one row.
   */
  static List<ObjectNode> rows(JsonNode result) {
    List<ObjectNode> rows = new ArrayList<>();
    if (result.isArray()) {
      result.forEach(r -> rows.add(flatten(r)));
      return rows;
    }
    List<String> arrays = new ArrayList<>();
    result
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (result.get(f).isArray()) {
                arrays.add(f);
              }
            });
    if (arrays.size() == 1) {
      ArrayNode a = (ArrayNode) result.get(arrays.get(0));
      a.forEach(r -> rows.add(flatten(r)));
    } else {
      rows.add(flatten(result));
    }
    return rows;
  }

  private static ObjectNode flatten(JsonNode n) {
    ObjectNode flat = JSON.createObjectNode();
    if (!n.isObject()) {
      flat.set("value", n);
      return flat;
    }
    flattenInto("", n, flat);
    return flat;
  }

  private static void flattenInto(String prefix, JsonNode n, ObjectNode flat) {
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flattenInto(key, e.getValue(), flat);
      } else if (e.getValue().isArray()) {
        flat.put(key, e.getValue().size() + " items");
      } else {
        flat.set(key, e.getValue());
      }
    }
  }

  /** Column names over all rows, in first-seen order. */
  static List<String> columns(List<ObjectNode> rows) {
    Set<String> cols = new LinkedHashSet<>();
    rows.forEach(r -> r.fieldNames().forEachRemaining(cols::add));
    return new ArrayList<>(cols);
  }
}
