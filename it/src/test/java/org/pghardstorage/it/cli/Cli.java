package org.pghardstorage.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.OsUser;

/**
 * Runs the {@code pg_hardstorage} launcher as a separate process, as an operator would. The
 * command-line distribution is copied once per JVM into a world-readable directory, because
 * PostgreSQL runs our {@code restore_command} as its own unprivileged OS user.
 */
public final class Cli {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path home;

  private Cli() {}

  /** The staged distribution (has {@code bin/pg_hardstorage} and {@code lib/}). */
  public static synchronized Path home() {
    if (home == null) {
      String built = System.getProperty("pghs.it.cli");
      if (built == null || !Files.isExecutable(Path.of(built, "bin/pg_hardstorage"))) {
        throw new IllegalStateException(
            "no command-line distribution at " + built + " (system property pghs.it.cli)");
      }
      Path staged = Locations.newRunDir("pghs-it-cli-").resolve("pg_hardstorage");
      Cmd.check(List.of("cp", "-r", built, staged.toString()), Duration.ofMinutes(1));
      Cmd.check(List.of("chmod", "-R", "a+rX", staged.toString()), Duration.ofMinutes(1));
      Path runDir = staged.getParent();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () ->
                      Cmd.run(
                          List.of("rm", "-rf", runDir.toString()),
                          null,
                          Map.of(),
                          Duration.ofMinutes(1)),
                  "pghs-it-cli-cleanup"));
      home = staged;
    }
    return home;
  }

  /**
   * Runs {@code repo init} as an operator prepares a repository that PostgreSQL's OS user must read
   * from {@code restore_command} (docs/reference/storage-spi.md, "Permissions"): a filesystem
   * repository is created group-readable, its directory in that user's group (when we are root and
   * PostgreSQL runs as another user), so every object written later inherits the group. Other
   * repositories are initialised as they are.
   *
   * @param args further arguments, e.g. {@code --config FILE}
   */
  public static Result initRepository(String url, String... args) {
    List<String> all = new ArrayList<>(List.of("repo", "init"));
    if (url.startsWith("file://")) {
      Path dir = Path.of(url.substring("file://".length()));
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      OsUser.service().shareGroup(dir);
      all.add("--group-readable");
    }
    all.add(url);
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  /** The launcher's absolute path. */
  public static Path launcher() {
    return home().resolve("bin/pg_hardstorage");
  }

  /**
   * What one run printed and returned.
   *
   * @param exitCode the process exit status
   * @param stdout standard output
   * @param stderr standard error
   */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Standard output as the JSON envelope. */
    public JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON:\n" + stdout + "\nstderr:\n" + stderr, e);
      }
    }

    /** {@code json().path("result")}. */
    public JsonNode result() {
      return json().path("result");
    }

    /** {@code json().path("error")}. */
    public JsonNode error() {
      return json().path("error");
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** Runs with JSON output (unless the arguments choose another format). */
  public static Result run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs with extra environment variables. */
  public static Result run(Map<String, String> env, String... args) {
    return runWithInput(env, "", args);
  }

  /** Runs with extra environment variables and {@code stdin} as standard input. */
  public static Result runWithInput(Map<String, String> env, String stdin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.addAll(List.of(args));
    boolean hasFormat = cmd.contains("-o") || cmd.contains("--output");
    if (!hasFormat) {
      cmd.add("--output");
      cmd.add("json");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> environment = new HashMap<>(pb.environment());
    environment.keySet().removeIf(k -> k.startsWith("PGHS_") || k.startsWith("PG"));
    environment.putAll(env);
    pb.environment().clear();
    pb.environment().putAll(environment);
    try {
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("pg_hardstorage " + String.join(" ", args) + " hung");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A launcher process running in the background, its output going to a file. */
  public static final class Background implements AutoCloseable {
    private final Process process;
    private final Path log;

    Background(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    /** The process. */
    public Process process() {
      return process;
    }

    /** Everything it printed so far. */
    public String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Sends SIGKILL, as a crash would, and waits for the process to end. */
    public void kill() {
      process.destroyForcibly();
      waitFor();
    }

    /** Sends SIGTERM and waits; returns the exit code. */
    public int terminate() {
      process.destroy();
      return waitFor();
    }

    private int waitFor() {
      try {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError("background pg_hardstorage did not stop:\n" + output());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        kill();
      }
    }
  }

  /** Starts the launcher in the background with {@code args}, output appended to {@code log}. */
  public static Background start(Path log, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("PGHS_") || k.startsWith("PG"));
    try {
      return new Background(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CompletableFuture<String> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
