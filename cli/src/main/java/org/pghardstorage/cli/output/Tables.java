package org.pghardstorage.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;

/** Plain-text tables and RFC 4180 CSV from flat rows. */
final class Tables {
  private Tables() {}

  static void table(List<ObjectNode> rows, PrintWriter out) {
    List<String> cols = Printer.columns(rows);
    if (cols.isEmpty()) {
      out.println("(no rows)");
      return;
    }
    int[] width = new int[cols.size()];
    for (int c = 0; c < cols.size(); c++) {
      width[c] = cols.get(c).length();
      for (ObjectNode r : rows) {
        width[c] = Math.max(width[c], cell(r, cols.get(c)).length());
      }
    }
    line(cols, width, out);
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < cols.size(); c++) {
      rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
    }
    out.println(rule);
    for (ObjectNode r : rows) {
      line(cols.stream().map(col -> cell(r, col)).toList(), width, out);
    }
  }

  static void csv(List<ObjectNode> rows, PrintWriter out) {
    List<String> cols = Printer.columns(rows);
    out.println(String.join(",", cols.stream().map(Tables::quote).toList()));
    for (ObjectNode r : rows) {
      out.println(String.join(",", cols.stream().map(c -> quote(cell(r, c))).toList()));
    }
  }

  private static void line(List<String> cells, int[] width, PrintWriter out) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String v = cells.get(c);
      sb.append(c == 0 ? "" : "  ").append(v).append(" ".repeat(width[c] - v.length()));
    }
    out.println(sb.toString().stripTrailing());
  }

  private static String cell(ObjectNode row, String col) {
    JsonNode v = row.get(col);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static String quote(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
