package org.pghardstorage.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.cli.output.OutputFormat;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class StepLogTest {
  private final StringWriter out = new StringWriter();
  private final Printer printer =
      new Printer(
          OutputFormat.NDJSON,
          new PrintWriter(out),
          new PrintWriter(new StringWriter()),
          "demo",
          Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  @Test
  void recordsPassedFailedAndSkippedStepsAndReportsEachAsProgress() {
    StepLog log = new StepLog(printer, () -> false, DemoStep.labels());
    assertThat(log.run(DemoStep.PREPARE, () -> "ready", s -> s)).isEqualTo("ready");
    assertThatThrownBy(
            () ->
                log.run(
                    DemoStep.SOURCE,
                    () -> {
                      throw new IllegalStateException("initdb exited 1:\nlots of output");
                    },
                    x -> "never"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("demo.postgres_failed");
              assertThat(e.exitCode()).isEqualTo(ExitCode.ERROR);
              assertThat(e.getMessage()).isEqualTo("start source failed: initdb exited 1:");
              assertThat(e.suggestion()).get().asString().contains("--keep --debug");
            });
    log.skipRest();
    List<StepResult> results = log.results();
    assertThat(results).extracting(StepResult::step).containsExactlyElementsOf(DemoStep.labels());
    assertThat(results.get(0).result()).isEqualTo(StepResult.PASSED);
    assertThat(results.get(1).result()).isEqualTo(StepResult.FAILED);
    assertThat(results.subList(2, results.size()))
        .allMatch(r -> r.result().equals(StepResult.SKIPPED));
    assertThat(out.toString())
        .contains("\"step\":\"prepare\",\"status\":\"started\"")
        .contains("\"step\":\"prepare\",\"status\":\"passed\"")
        .contains("\"step\":\"start source\",\"status\":\"failed\"");
  }

  @Test
  void engineErrorsKeepTheirCodeAndExitCode() {
    StepLog log = new StepLog(printer, () -> false, DemoStep.labels());
    HardstorageException refused =
        new HardstorageException("pg.auth_failed", ExitCode.AUTHENTICATION, "no", null);
    assertThatThrownBy(
            () ->
                log.run(
                    DemoStep.BACKUP,
                    () -> {
                      throw refused;
                    },
                    x -> ""))
        .isSameAs(refused);
  }

  @Test
  void afterAnInterruptionNothingStartsOrIsReported() {
    StepLog log = new StepLog(printer, () -> true, DemoStep.labels());
    assertThatThrownBy(() -> log.run(DemoStep.BACKUP, () -> "x", x -> x))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ABORTED));
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aComparisonIsEqualOnlyWhenEveryTableIs() {
    TableCheck same = TableCheck.of("a", 2, 2, "x", "x");
    TableCheck fewer = TableCheck.of("b", 2, 1, "x", "x");
    TableCheck changed = TableCheck.of("c", 2, 2, "x", "y");
    assertThat(DemoReport.Comparison.of(List.of(same)).equal()).isTrue();
    assertThat(DemoReport.Comparison.of(List.of(same, fewer)).equal()).isFalse();
    assertThat(changed.equal()).isFalse();
  }
}
