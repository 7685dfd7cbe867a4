package org.pghardstorage.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.pghardstorage.cli.Counts;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.PgDistribution;

/**
 * The demo's throw-away world: a world-traversable work directory under {@code /tmp} (the servers
 * run as an unprivileged user when we are root) and the servers started in it. {@link #cleanUp()}
 * stops every server and deletes the directory unless it is kept; a shutdown hook does the same
 * when the JVM is stopped early by Ctrl-C or SIGTERM, and then hands over to {@code onInterrupt}.
 */
final class DemoWorkspace implements AutoCloseable {
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

  /** What cleaning up did. */
  record Cleanup(int serversStopped, boolean removed, Path root, List<String> problems) {
    String describe() {
      String servers = "stopped " + Counts.of(serversStopped, "PostgreSQL server");
      String dir = removed ? "removed " + root : "kept " + root;
      return servers + ", " + dir + (problems.isEmpty() ? "" : "; problems: " + problems);
    }
  }

  private final Path root;
  private final boolean keep;
  private final List<Tracked> clusters = new ArrayList<>();
  private final Thread hook;
  private PgDistribution distribution;
  private Cleanup cleanup;
  private volatile boolean interrupted;

  private record Tracked(PgCluster cluster, boolean ownsDataDir) {}

  private DemoWorkspace(Path root, boolean keep, Consumer<Cleanup> onInterrupt) {
    this.root = root;
    this.keep = keep;
    this.hook = new Thread(() -> onInterrupt.accept(abort()), "pghs-demo-cleanup");
  }

  /** Creates the work directory and installs the shutdown hook. */
  static DemoWorkspace create(boolean keep, Consumer<Cleanup> onInterrupt) {
    DemoWorkspace ws = new DemoWorkspace(Locations.newRunDir("pghs-demo-"), keep, onInterrupt);
    Runtime.getRuntime().addShutdownHook(ws.hook);
    return ws;
  }

  /** The work directory. */
  Path root() {
    return root;
  }

  /** Whether the work directory stays after cleaning up. */
  boolean keep() {
    return keep;
  }

  /** The server binaries in use, for stopping servers this object does not track yet. */
  synchronized void binaries(PgDistribution dist) {
    this.distribution = dist;
  }

  /**
   * Tracks a started server. {@code ownsDataDir}: closing it deletes its data directory (a cluster
   * made by initdb), so with {@code --keep} it is only stopped.
   */
  synchronized PgCluster track(PgCluster cluster, boolean ownsDataDir) {
    clusters.add(new Tracked(cluster, ownsDataDir));
    return cluster;
  }

  /** Stops every server and deletes the work directory unless kept. Idempotent. */
  synchronized Cleanup cleanUp() {
    if (cleanup != null) {
      return cleanup;
    }
    List<String> problems = new ArrayList<>();
    int stopped = 0;
    for (int i = clusters.size() - 1; i >= 0; i--) {
      if (stop(clusters.get(i), problems)) {
        stopped++;
      }
    }
    stopped += stopStrays(problems);
    boolean removed = false;
    if (!keep) {
      removed = delete(problems);
    }
    cleanup = new Cleanup(stopped, removed, root, List.copyOf(problems));
    return cleanup;
  }

  /** Cleans up and removes the shutdown hook: the normal end of a run. */
  @Override
  public void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting; the hook is running or about to, and finds the work done
    }
  }

  /** Whether Ctrl-C or SIGTERM cut the run short: then the hook alone reports and ends it. */
  boolean interrupted() {
    return interrupted;
  }

  /**
   * The hook: the run was cut short. Child processes that would start servers (initdb, pg_ctl
   * start) go first, so none appears after the servers are stopped; a {@code pg_ctl stop} (the
   * devstack's own exit hook may be running one) is left to finish.
   */
  private Cleanup abort() {
    interrupted = true;
    List<ProcessHandle> starting =
        ProcessHandle.current().descendants().filter(p -> !isStop(p)).toList();
    starting.forEach(ProcessHandle::destroy);
    Instant deadline = Instant.now().plusSeconds(10);
    while (starting.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
      sleep(100);
    }
    starting.forEach(ProcessHandle::destroyForcibly);
    return cleanUp();
  }

  private static boolean isStop(ProcessHandle p) {
    return p.info().arguments().map(a -> List.of(a).contains("stop")).orElse(false);
  }

  private boolean stop(Tracked t, List<String> problems) {
    PgCluster c = t.cluster();
    boolean wasRunning = c.isRunning();
    try {
      if (keep) {
        saveLog(c);
      }
      if (keep && t.ownsDataDir()) {
        c.stop();
      } else {
        c.close(); // for an adopted data directory: only its socket and log directory go
      }
    } catch (RuntimeException e) {
      problems.add("could not stop " + c + ": " + Failures.oneLine(e));
    }
    return wasRunning;
  }

  private void saveLog(PgCluster c) {
    try {
      Files.writeString(
          root.resolve("postgresql-" + c.port() + ".log"), c.logTail(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // the log is a convenience for inspection; the data directories are what --keep promises
    }
  }

  /** Servers this object never got to track: started when the run was interrupted. */
  private int stopStrays(List<String> problems) {
    int stopped = 0;
    for (Path pidFile : pidFiles()) {
      Optional<ProcessHandle> postmaster = postmaster(pidFile);
      if (postmaster.isEmpty()) {
        continue;
      }
      try {
        if (distribution != null) {
          PgCluster.stopDataDir(distribution, pidFile.getParent());
        }
      } catch (RuntimeException e) {
        problems.add("pg_ctl stop of " + pidFile.getParent() + ": " + Failures.oneLine(e));
      }
      ProcessHandle p = postmaster.get();
      if (!awaitExit(p, STOP_LIMIT)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        awaitExit(p, STOP_LIMIT);
      }
      stopped++;
    }
    return stopped;
  }

  private List<Path> pidFiles() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root, 4)) {
      return walk.filter(p -> p.getFileName().toString().equals("postmaster.pid")).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static Optional<ProcessHandle> postmaster(Path pidFile) {
    try {
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip();
      return ProcessHandle.of(Long.parseLong(first))
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // no readable pid: nothing we could stop by it
    }
  }

  private boolean delete(List<String> problems) {
    for (int attempt = 1; ; attempt++) {
      try {
        Locations.deleteTree(root);
        return true;
      } catch (IOException | RuntimeException e) {
        if (attempt == 3) {
          problems.add("could not remove " + root + ": " + Failures.oneLine(e));
          return false;
        }
        sleep(500); // a server that just stopped may still be removing its files
      }
    }
  }

  private static boolean awaitExit(ProcessHandle p, Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    while (p.isAlive()) {
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      sleep(50);
    }
    return true;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
