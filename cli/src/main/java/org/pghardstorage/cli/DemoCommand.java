package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.pghardstorage.cli.demo.DemoReport;
import org.pghardstorage.cli.demo.DemoRun;
import org.pghardstorage.cli.demo.StepResult;
import org.pghardstorage.cli.demo.TableCheck;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pg_hardstorage demo}: see the whole backup contract work in a minute, no setup. */
@Command(
    name = "demo",
    description =
        "Back up, verify, restore, start and compare a throw-away PostgreSQL "
            + DemoRun.MAJOR
            + " with generated data, from the server binaries this distribution ships (no Docker,"
            + " no database of yours). Prints each step and a PASS/FAIL summary; exit 9 if the"
            + " restored copy differs. Cleans up after itself, on failure and Ctrl-C too.")
final class DemoCommand extends BaseCommand {
  @Option(
      names = "--keep",
      description =
          "Keep the work directory (data directories, server logs, repository) for inspection."
              + " Servers are stopped either way.")
  boolean keep;

  @Override
  protected boolean readsConfiguration() {
    return false; // the demo brings everything it needs; a broken pg_hardstorage.yml is no matter
  }

  @Override
  protected ExitCode run(Printer printer) {
    printer.note(
        "pg_hardstorage demo: backup, verify, restore and compare on a throw-away PostgreSQL "
            + DemoRun.MAJOR);
    DemoRun.Outcome outcome = new DemoRun(printer, keep, done -> interrupted(printer, done)).run();
    DemoReport report = outcome.report();
    printer.result(report, out -> print(report, out));
    if (outcome.failure().isEmpty()) {
      return ExitCode.OK;
    }
    HardstorageException failure = outcome.failure().get();
    if (!printer.format().structured()) {
      printer.error(failure, global.debug()); // structured formats carry it in the document
    } else if (global.debug()) {
      failure.printStackTrace(spec.commandLine().getErr());
    }
    return failure.exitCode();
  }

  /** Ctrl-C or SIGTERM: the workspace has cleaned up; say so and end with ABORTED. */
  private static void interrupted(Printer printer, String cleanup) {
    printer.error(
        new HardstorageException(
            "demo.interrupted",
            ExitCode.ABORTED,
            "the demo was interrupted; " + cleanup,
            "run 'pg_hardstorage demo' again"),
        false);
    // only a halt sets the exit status from a shutdown hook; everything was stopped above
    Runtime.getRuntime().halt(ExitCode.ABORTED.code());
  }

  private static void print(DemoReport r, PrintWriter out) {
    out.printf(Locale.ROOT, "%-16s %8s  %-7s  %s%n", "STEP", "TIME", "RESULT", "DETAIL");
    for (StepResult s : r.steps()) {
      out.printf(
          Locale.ROOT, "%-16s %6.1f s  %-7s  %s%n", s.step(), s.seconds(), s.result(), s.detail());
    }
    if (r.comparison() != null) {
      out.println();
      out.printf(Locale.ROOT, "%-10s %10s %10s  %s%n", "TABLE", "SOURCE", "RESTORED", "MD5");
      for (TableCheck t : r.comparison().tables()) {
        out.printf(
            Locale.ROOT,
            "%-10s %10d %10d  %s%n",
            t.table(),
            t.rowsSource(),
            t.rowsRestored(),
            t.equal() ? "equal (" + t.md5Restored() + ")" : "DIFFERENT");
      }
    }
    out.println();
    double total = r.steps().stream().mapToDouble(StepResult::seconds).sum();
    if (r.passed()) {
      out.printf(
          Locale.ROOT,
          "PASS: PostgreSQL %s backed up, verified, restored and equal to the source, in %.1f s.%n",
          r.postgresVersion(),
          total);
    } else {
      String failed =
          r.steps().stream()
              .filter(s -> StepResult.FAILED.equals(s.result()))
              .map(StepResult::step)
              .findFirst()
              .orElse("clean up");
      out.printf(Locale.ROOT, "FAIL at step '%s' after %.1f s.%n", failed, total);
    }
    if (r.kept()) {
      out.println("Kept " + r.workDir() + " (source, restored, repo, server logs).");
    }
  }
}
