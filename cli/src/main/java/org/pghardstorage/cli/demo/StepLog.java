package org.pghardstorage.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Runs the demo's steps in order, times them, reports each start and end as progress and keeps
 * their results for the summary.
 */
final class StepLog {
  /** The work of one step. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws Exception;
  }

  private final Printer printer;
  private final BooleanSupplier interrupted;
  private final List<String> planned;
  private final List<StepResult> results = new ArrayList<>();

  /**
   * @param printer where progress goes
   * @param interrupted whether the run was cut short: then nothing more is reported or started
   * @param planned the step names, in order
   */
  StepLog(Printer printer, BooleanSupplier interrupted, List<String> planned) {
    this.printer = printer;
    this.interrupted = interrupted;
    this.planned = List.copyOf(planned);
  }

  /**
   * Runs {@code step} and records it passed with {@code detail} of its value; or records it failed
   * and throws what went wrong as an operator-facing error.
   */
  <T> T run(DemoStep step, Work<T> work, Function<T, String> detail) {
    if (interrupted.getAsBoolean()) {
      throw new HardstorageException(
          "demo.interrupted", ExitCode.ABORTED, "interrupted before " + step.label(), null);
    }
    int number = planned.indexOf(step.label()) + 1;
    String label = "[" + number + "/" + planned.size() + "] " + step.label();
    printer.progress("step", fields(step.label(), "started", null, null), label + " ...");
    long start = System.nanoTime();
    T value;
    try {
      value = work.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(step.label(), label, start, StepResult.FAILED, "interrupted");
      throw new HardstorageException(
          "demo.interrupted", ExitCode.ABORTED, step.label() + " was interrupted", null, e);
    } catch (Exception e) {
      HardstorageException failure = Failures.classify(step.area(), step.label(), e);
      finish(step.label(), label, start, StepResult.FAILED, failure.getMessage());
      throw failure;
    }
    finish(step.label(), label, start, StepResult.PASSED, detail.apply(value));
    return value;
  }

  /** Marks every planned step that has not run as skipped. */
  void skipRest() {
    for (String step : planned) {
      if (results.stream().noneMatch(r -> r.step().equals(step))) {
        results.add(new StepResult(step, 0, StepResult.SKIPPED, "not run: an earlier step failed"));
      }
    }
  }

  /** The results so far, in the order the steps ran. */
  List<StepResult> results() {
    return List.copyOf(results);
  }

  private void finish(String step, String label, long start, String result, String detail) {
    if (interrupted.getAsBoolean()) {
      return; // the shutdown hook reports the interruption; a step failing from it is no news
    }
    double seconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
    results.add(new StepResult(step, seconds, result, detail));
    printer.progress(
        "step",
        fields(step, result, seconds, detail),
        String.format(Locale.ROOT, "%s: %s in %.1f s: %s", label, result, seconds, detail));
  }

  private static Map<String, Object> fields(
      String step, String status, Double seconds, String detail) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("step", step);
    f.put("status", status);
    if (seconds != null) {
      f.put("seconds", seconds);
    }
    if (detail != null) {
      f.put("detail", detail);
    }
    return f;
  }
}
