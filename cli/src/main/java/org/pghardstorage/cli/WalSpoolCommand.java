package org.pghardstorage.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.SpoolFiller;
import org.pghardstorage.core.restore.WalSpool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wal spool DEPLOYMENT WALFILE PATH [wal fetch options]}: the background WAL fetcher. The
 * launcher starts it, detached, when a {@code wal fetch --restore-command --prefetch N} call finds
 * no live fetcher; it runs in the data directory (PostgreSQL's working directory for {@code
 * restore_command}) with the same arguments as that call, which with the server's {@code
 * postmaster.pid} make the spool's identity ({@link WalSpool.Identity}). Not for people: hidden
 * from help.
 */
@Command(
    name = "spool",
    hidden = true,
    description = "Background WAL fetcher behind wal fetch --prefetch (started by the launcher).")
final class WalSpoolCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "DEPLOYMENT")
  String deployment;

  @Parameters(index = "1", paramLabel = "WALFILE")
  String walFile;

  @Parameters(index = "2", paramLabel = "PATH")
  Path target;

  @Mixin RepoOptions repoOptions;

  @Mixin PrefetchOptions prefetch;

  @Option(names = "--restore-command", hidden = true, description = "Accepted as wal fetch has it.")
  boolean restoreCommand;

  @Override
  protected ExitCode run(Printer printer) throws IOException, InterruptedException {
    Deployment d = Deployments.parse(deployment);
    SpoolFiller.Limits limits = prefetch.limits();
    Path dataDir = Path.of("").toAbsolutePath();
    WalSpool.Identity identity = WalSpool.Identity.of(dataDir, request());
    Path dir = WalSpool.spoolBeside(target);
    Optional<WalSpool> taken = WalSpool.take(dir, identity);
    if (taken.isEmpty()) {
      return ExitCode.OK;
    }
    try (PrintStream log =
        new PrintStream(
            new FileOutputStream(dir.resolve(WalSpool.LOG).toFile(), true),
            true,
            StandardCharsets.UTF_8)) {
      // the launcher sends our output nowhere: from here on it goes to the spool's log
      System.setOut(log);
      System.setErr(log);
      SpoolFiller.Outcome outcome;
      taken.get().syncSegments(prefetch.fsync);
      try (WalSpool spool = taken.get();
          OpenedRepository o = repoOptions.forDeployment(deployment).openForWal();
          SpoolFiller filler =
              new SpoolFiller(
                  o.repository(),
                  d,
                  spool,
                  limits,
                  WalSpool.recoveryWatch(dataDir, identity, System::nanoTime),
                  System::nanoTime,
                  line -> log.println(Instant.now() + " " + line))) {
        log.println(Instant.now() + " fetcher " + ProcessHandle.current().pid() + " starts");
        filler.begin(walFile, WalSpool.backupStartSegment(dataDir));
        outcome = filler.run();
        log.println(Instant.now() + " fetcher stops: " + outcome);
      }
      if (outcome == SpoolFiller.Outcome.RECOVERY_ENDED) {
        WalSpool.remove(dir);
      }
    }
    return ExitCode.OK;
  }

  /**
   * The identity lines of the request: the deployment and every argument after PATH, exactly as the
   * launcher saw them ({@code wal spool DEPLOYMENT WALFILE PATH ...}); the launcher compares the
   * same lines before it serves from the spool.
   */
  private List<String> request() {
    List<String> args = spec.root().commandLine().getParseResult().originalArgs();
    if (args.size() < 5
        || !args.get(0).equals("wal")
        || !args.get(1).equals("spool")
        || !args.get(2).equals(deployment)
        || !args.get(3).equals(walFile)
        || !args.get(4).equals(target.toString())) {
      throw new HardstorageException(
          "usage.spool_arguments",
          ExitCode.USAGE,
          "wal spool takes DEPLOYMENT WALFILE PATH first, then options: " + args,
          "the launcher starts it with the arguments of wal fetch");
    }
    List<String> out = new ArrayList<>();
    out.add(deployment);
    out.addAll(args.subList(5, args.size()));
    return out;
  }
}
