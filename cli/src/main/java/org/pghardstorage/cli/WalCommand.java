package org.pghardstorage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalSegment;
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
      WalStreamCommand.class,
      WalStreamCommand.Preflight.class,
      WalStreamCommand.Audit.class
    })
final class WalCommand {

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

    @Option(
        names = "--prefetch",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Also fetch the next N-1 segments in parallel into PATH's directory"
                + " (pg_hardstorage_prefetch/), so later calls return at once (default: off).")
    int prefetch;

    @Option(
        names = "--restore-command",
        description =
            "Exit as PostgreSQL's restore_command needs: 1 when the file is not in the repository"
                + " (end of archive), 255 on any other failure so that recovery stops instead of"
                + " ending early.")
    boolean restoreCommand;

    @Override
    protected ExitCode run(Printer printer) throws IOException {
      Deployment d = Deployments.parse(deployment);
      Path spool = spoolDir();
      if (prefetch > 1 && walFile.matches("[0-9A-F]{24}") && takeFromSpool(spool)) {
        printer.result(
            Map.of("file", walFile, "path", target.toString(), "prefetched", true),
            out -> out.println("fetched " + walFile + " (prefetched)"));
        return ExitCode.OK;
      }
      try (OpenedRepository o = repoOptions.forDeployment(deployment).openForWal()) {
        WalArchive wal = o.repository().wal(d);
        byte[] content;
        boolean partial = false;
        if (walFile.matches("[0-9A-F]{8}\\.history")) {
          long tli = Long.parseLong(walFile.substring(0, 8), 16);
          content = wal.getHistory(tli).orElseThrow(() -> missing(d));
        } else if (walFile.matches("[0-9A-F]{24}")) {
          int segmentSize = segmentSize(o.repository(), d);
          java.util.concurrent.Future<List<String>> ahead =
              prefetch > 1
                  ? Prefetcher.start(wal, walFile, prefetch - 1, segmentSize, spool)
                  : null;
          WalSegment s = wal.getSegment(walFile).orElseThrow(() -> missing(d));
          partial = s.partial();
          content = partial ? pad(s.content(), segmentSize) : s.content();
          if (ahead != null) {
            Prefetcher.await(ahead);
          }
        } else {
          throw missing(d);
        }
        write(content, target);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file", walFile);
        result.put("path", target.toString());
        result.put("bytes", content.length);
        result.put("partial", partial);
        boolean p = partial;
        printer.result(
            result,
            out -> out.println("fetched " + walFile + (p ? " (partial, zero-padded)" : "")));
      }
      return ExitCode.OK;
    }

    private Path spoolDir() {
      Path parent = target.toAbsolutePath().getParent();
      return parent.resolve("pg_hardstorage_prefetch");
    }

    /** Moves a segment fetched ahead by an earlier call into place, if there is one. */
    private boolean takeFromSpool(Path spool) throws IOException {
      Path cached = spool.resolve(walFile);
      if (!Files.exists(cached)) {
        return false;
      }
      Files.move(
          cached, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Prefetcher.forgetOlder(spool, walFile);
      return true;
    }

    private HardstorageException missing(Deployment d) {
      return new HardstorageException(
          "wal.not_found",
          ExitCode.NOT_FOUND,
          "WAL file " + walFile + " of deployment " + d + " is not in the repository",
          null);
    }

    /**
     * PostgreSQL insists on whole segments; the zero tail reads as "end of WAL", which is exactly
     * what a partial segment means.
     */
    private static byte[] pad(byte[] content, int segmentSize) {
      if (content.length >= segmentSize) {
        return content;
      }
      return java.util.Arrays.copyOf(content, segmentSize);
    }

    private static int segmentSize(Repository repo, Deployment d) {
      List<BackupId> ids = repo.listBackups(d);
      for (int i = ids.size() - 1; i >= 0; i--) {
        Optional<Integer> size = repo.readManifest(d, ids.get(i)).map(m -> m.wal().segmentSize());
        if (size.isPresent()) {
          return size.get();
        }
      }
      return 16 * 1024 * 1024;
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
      return code == ExitCode.NOT_FOUND ? 1 : ABORT_RECOVERY;
    }
  }
}
