package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.LockInfo;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.RepositoryLocks;
import org.pghardstorage.core.storage.ObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pg_hardstorage repo locks} and {@code repo unlock}: the repository's locks. Neither needs
 * the repository key: lock objects are clear, so that a lock can be inspected and removed when the
 * key is not at hand.
 */
final class RepoLockCommands {
  private RepoLockCommands() {}

  /** {@code repo locks}. */
  @Command(
      name = "locks",
      description =
          "List the repository's locks: who holds them, for what, and whether they are stale (no"
              + " heartbeat for 30 minutes). Needs no passphrase.")
  static final class Locks extends BaseCommand {
    @Mixin RepoUrlArgument url;
    @Mixin RepoOptions repoOptions;

    @Override
    protected ExitCode run(Printer printer) {
      List<LockInfo> locks;
      try (ObjectStore store = url.applyTo(repoOptions).store()) {
        locks = RepositoryLocks.open(store, OpenOptions.defaults()).list();
      }
      printer.result(
          rows(locks),
          out -> {
            if (locks.isEmpty()) {
              out.println("No locks in " + repoOptions.url() + ".");
            }
            locks.forEach(l -> out.println(l.describe()));
          });
      return ExitCode.OK;
    }
  }

  /** {@code repo unlock}. */
  @Command(
      name = "unlock",
      description =
          "Remove locks left by processes that are gone. By default removes only stale locks"
              + " (no heartbeat for 30 minutes), once this host's clock agrees with the"
              + " storage's. A live lock is removed only when named with --lock and --force:"
              + " breaking the lock of a running backup lets a garbage collection delete its"
              + " data. Needs no passphrase.")
  static final class Unlock extends BaseCommand {
    @Mixin RepoUrlArgument url;
    @Mixin RepoOptions repoOptions;

    @Option(
        names = "--stale-only",
        description = "Remove every stale lock and nothing else (the default).")
    boolean staleOnly;

    @Option(
        names = "--lock",
        paramLabel = "ID",
        description = "Remove only this lock (as 'repo locks' lists it); a live one needs --force.")
    String lock;

    @Option(names = "--force", description = "With --lock: remove the lock even though it is live.")
    boolean force;

    @Override
    protected ExitCode run(Printer printer) {
      requireConsistent();
      try (ObjectStore store = url.applyTo(repoOptions).store()) {
        RepositoryLocks locks = RepositoryLocks.open(store, OpenOptions.defaults());
        List<LockInfo> removed =
            lock == null ? locks.removeStale() : List.of(locks.remove(lock, force));
        printer.result(
            Map.of("url", repoOptions.url(), "removed", rows(removed)), out -> text(out, removed));
      }
      return ExitCode.OK;
    }

    private void text(PrintWriter out, List<LockInfo> removed) {
      if (removed.isEmpty()) {
        out.println("No stale locks in " + repoOptions.url() + "; nothing removed.");
      }
      for (LockInfo l : removed) {
        out.println("Removed " + l.describe());
      }
    }

    private void requireConsistent() {
      if (lock != null && staleOnly) {
        throw usage("--stale-only removes every stale lock; --lock removes one: choose one");
      }
      if (force && lock == null) {
        throw usage(
            "--force needs --lock ID: only a lock named by its id can be removed while live");
      }
    }

    private static HardstorageException usage(String message) {
      return new HardstorageException(
          "usage.unlock_options",
          ExitCode.USAGE,
          message,
          "pg_hardstorage repo locks lists the locks with their ids");
    }
  }

  static List<Map<String, Object>> rows(List<LockInfo> locks) {
    return locks.stream().map(RepoLockCommands::row).toList();
  }

  private static Map<String, Object> row(LockInfo l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", l.id());
    m.put("kind", l.kind().label());
    m.put("purpose", l.purpose());
    m.put("host", l.host());
    m.put("pid", l.pid());
    m.put("created_at", l.createdAt().toString());
    m.put("heartbeat_at", l.heartbeatAt().toString());
    m.put("last_modified", l.lastModified().toString());
    m.put("stale", l.stale());
    return m;
  }
}
