package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Every command: parses, runs {@link #run(Printer)}, and turns errors into a rendered message and
 * the documented exit code. No stack trace reaches the operator unless {@code --debug}.
 */
public abstract class BaseCommand implements Callable<Integer> {
  @Mixin protected GlobalOptions global;

  @Spec protected CommandSpec spec;

  /** Does the work and returns the exit code (normally {@link ExitCode#OK}). */
  protected abstract ExitCode run(Printer printer) throws Exception;

  @Override
  public final Integer call() {
    Printer printer = printer();
    try {
      if (readsConfiguration()) {
        org.pghardstorage.cli.config.ConfigHolder.load(global.configFile());
      }
      return exitStatus(run(printer));
    } catch (HardstorageException e) {
      printer.error(RepoOptions.explainKey(e), global.debug());
      return exitStatus(e.exitCode());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      printer.error(
          new HardstorageException("command.interrupted", ExitCode.ABORTED, "interrupted", null, e),
          global.debug());
      return exitStatus(ExitCode.ABORTED);
    } catch (Exception e) {
      printer.error(Errors.unexpected(e), global.debug());
      return exitStatus(ExitCode.ERROR);
    }
  }

  /**
   * Whether {@code pg_hardstorage.yml} is loaded before {@link #run(Printer)}. Commands that write
   * it or stand apart from it say no: {@code --config} then names a file that need not exist yet.
   */
  protected boolean readsConfiguration() {
    return true;
  }

  /** The process exit status for an outcome; commands with special contracts override it. */
  protected int exitStatus(ExitCode code) {
    return code.code();
  }

  /** A printer for this command's output. */
  protected Printer printer() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return new Printer(global.format(), out, err, commandName(), Clock.systemUTC());
  }

  /** The command's name without the program name, e.g. {@code wal fetch}. */
  protected String commandName() {
    String qualified = spec.qualifiedName(" ");
    int space = qualified.indexOf(' ');
    return space < 0 ? qualified : qualified.substring(space + 1);
  }
}
