package org.pghardstorage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.WalFetcher;
import org.pghardstorage.core.restore.WalSpool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage wal ...}: the WAL archive. */
@Command(
    name = "wal",
    description = "Work with the WAL archive of a deployment.",
    subcommands = {
      WalCommand.Fetch.class,
      WalSpoolCommand.class,
      WalStreamCommand.class,
      WalStreamCommand.Preflight.class,
      WalStreamCommand.Audit.class
    })
final class WalCommand {

  /**
   * Exit status of {@code wal fetch --restore-command} when the repository positively knows the
   * file does not exist. Not 1: the JVM itself exits 1 when it cannot start (an unreadable
   * installation, a bad option in PGHS_JAVA_OPTS), which must abort recovery rather than end it.
   * The launcher turns this status into 1 and every other failure into {@value #ABORT_RECOVERY}.
   */
  static final int WAL_ABSENT = 99;

  /** Exit status that makes PostgreSQL abort recovery instead of treating it as end of archive. */
  static final int ABORT_RECOVERY = 255;

  /**
   * {@code wal fetch <deployment> <walfile> <path>}: what PostgreSQL's {@code restore_command}
   * runs.
   */
  @Command(
      name = "fetch",
      description =
          "Copy WAL file WALFILE (a segment or a timeline history file) of DEPLOYMENT to PATH."
              + " Used as restore_command.")
  static final class Fetch extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT")
    String deployment;

    @Parameters(
        index = "1",
        paramLabel = "WALFILE",
        description = "e.g. 000000010000000000000003 or 00000002.history")
    String walFile;

    @Parameters(
        index = "2",
        paramLabel = "PATH",
        description = "Where to write it (PostgreSQL's %%p).")
    Path target;

    @Mixin RepoOptions repoOptions;

    @Mixin PrefetchOptions prefetch;

    @Option(
        names = "--restore-command",
        description =
            "Exit as PostgreSQL's restore_command needs: 1 only when the repository knows the"
                + " file does not exist (end of archive), 255 on any other failure (a hole in"
                + " the archive, storage, key or integrity errors, bad arguments) so that"
                + " recovery aborts instead of ending early.")
    boolean restoreCommand;

    /** Set when the repository answered that the file does not exist. */
    private boolean absent;

    @Override
    protected ExitCode run(Printer printer) throws IOException {
      Deployment d = Deployments.parse(deployment);
      if (prefetch.enabled()) {
        prefetch.limits();
        // before the fetch, so that the background fetcher moves on while this call works
        hintFetcher(printer);
      }
      try (OpenedRepository o = repoOptions.forDeployment(deployment).openForWal()) {
        WalFetcher.Answer answer = new WalFetcher(o.repository(), d).fetch(walFile);
        if (answer instanceof WalFetcher.Absent a) {
          // The normal end of every archive recovery: reported as a result, not as an error,
          // so that PostgreSQL's log does not show an "error" for a recovery that went well.
          absent = true;
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("file", walFile);
          result.put("found", false);
          result.put("reason", a.reason());
          printer.result(
              result,
              out ->
                  out.println(
                      "not in the repository (end of the archive): "
                          + walFile
                          + ", "
                          + a.reason()));
          return ExitCode.NOT_FOUND;
        }
        WalFetcher.Found f = (WalFetcher.Found) answer;
        write(f.content(), target);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file", walFile);
        result.put("found", true);
        result.put("path", target.toString());
        result.put("bytes", f.content().length);
        result.put("partial", f.partial());
        printer.result(
            result,
            out ->
                out.println("fetched " + walFile + (f.partial() ? " (partial, zero-padded)" : "")));
      }
      return ExitCode.OK;
    }

    /** Tells a running background fetcher where recovery is; it never affects the answer. */
    private void hintFetcher(Printer printer) {
      try {
        WalSpool.hint(target, walFile);
      } catch (IOException | RuntimeException e) {
        printer.note("warning: cannot tell the background WAL fetcher where recovery is: " + e);
      }
    }

    private static void write(byte[] content, Path target) throws IOException {
      Path tmp = target.resolveSibling(target.getFileName() + ".pghs-tmp");
      Files.write(tmp, content);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    protected int exitStatus(ExitCode code) {
      if (!restoreCommand || code == ExitCode.OK) {
        return code.code();
      }
      return absent ? WAL_ABSENT : ABORT_RECOVERY;
    }
  }
}
