package org.pghardstorage.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pghardstorage.it.cli.Cli;

/**
 * Executable documentation: every shell and SQL block of {@code docs/tutorials} and {@code
 * docs/how-to} that a reader is meant to type runs, page by page in document order, against real
 * PostgreSQL (and S3Proxy where a page needs S3), with the installed command-line distribution on
 * {@code PATH}; every output a page shows is compared with what the command printed. Only the
 * substitutions declared next to a block in the Markdown are made (see {@link Annotation}). Blocks
 * that are not run say why; the list is printed at the end, with the blocks that wait for a missing
 * behaviour ({@code pending}).
 */
class DocsIT {
  private static final List<PageReport> REPORTS = Collections.synchronizedList(new ArrayList<>());

  @TestFactory
  Stream<DynamicTest> everyPageRunsAsWritten() {
    Cli.home(); // stage the distribution once, before the first page
    // while editing a page: -Dpghs.docs.pages=pitr,init runs only the pages whose names contain one
    String only = System.getProperty("pghs.docs.pages", "");
    List<String> wanted = only.isBlank() ? List.of("") : List.of(only.split(","));
    return DocPages.all().stream()
        .filter(page -> wanted.stream().anyMatch(w -> page.name().contains(w.strip())))
        .map(page -> DynamicTest.dynamicTest(page.name(), () -> runPage(page)));
  }

  private static void runPage(DocPage page) throws InterruptedException {
    PageReport report;
    try (PageRunner runner = new PageRunner(page)) {
      report = runner.run();
    }
    REPORTS.add(report);
    System.out.println(report.render());
    assertThat(report.failures()).as(report.render()).isEmpty();
  }

  @AfterAll
  static void summary() {
    StringBuilder sb = new StringBuilder("\n=== docs test: blocks not run, and why\n");
    int ran = 0;
    int notRun = 0;
    int pending = 0;
    for (PageReport r : REPORTS) {
      for (PageReport.Entry e : r.entries()) {
        switch (e.status()) {
          case "ran" -> ran++;
          case "not run" -> {
            notRun++;
            sb.append(String.format("  %-48s %s%n", e.where(), e.detail()));
          }
          default -> pending++;
        }
      }
    }
    sb.append("=== pending: blocks that do not work as written until the product changes\n");
    for (PageReport r : REPORTS) {
      for (PageReport.Entry e : r.entries()) {
        if (e.status().equals("pending")) {
          sb.append(String.format("  %-48s %s%n", e.where(), e.detail()));
        }
      }
    }
    sb.append(
        String.format(
            "=== %d pages: %d blocks ran, %d not run, %d pending%n",
            REPORTS.size(), ran, notRun, pending));
    System.out.println(sb);
  }
}
