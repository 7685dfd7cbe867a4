package org.pghardstorage.it.docs;

import java.util.List;

/**
 * What a page's run did with each block, and what failed.
 *
 * @param page the page
 * @param entries one per block that was reached, in order
 * @param failures failures, each naming its block
 */
record PageReport(String page, List<Entry> entries, List<String> failures) {

  /**
   * One block's result.
   *
   * @param where page and line
   * @param status {@code ran}, {@code not run} or {@code pending}
   * @param detail what it did, why it did not run, or which behaviour is missing
   */
  record Entry(String where, String status, String detail) {
    static Entry ran(DocBlock b, String detail) {
      return new Entry(b.where(), "ran", detail);
    }

    static Entry notRun(DocBlock b) {
      return new Entry(b.where(), "not run", b.annotation().notRun().orElseThrow());
    }

    static Entry pending(DocBlock b, String behaviour, String failure) {
      return new Entry(b.where(), "pending", behaviour + " (today: " + failure + ")");
    }
  }

  /** The report as lines for the test's output. */
  String render() {
    StringBuilder sb = new StringBuilder(page).append('\n');
    for (Entry e : entries) {
      sb.append(String.format("  %-48s %-8s %s%n", e.where(), e.status(), e.detail()));
    }
    for (String f : failures) {
      sb.append("  FAILED ").append(f.replace("\n", "\n    ")).append('\n');
    }
    return sb.toString();
  }
}
