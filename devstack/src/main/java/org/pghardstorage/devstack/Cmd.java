package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs external commands with a timeout, capturing their combined output. */
public final class Cmd {
  /** The outcome of one command. */
  public record Result(List<String> command, int exitCode, String output) {
    /** Throws with the command's output when it did not exit 0. */
    public Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            "command " + command + " exited " + exitCode + ":\n" + output.strip());
      }
      return this;
    }
  }

  private Cmd() {}

  /** Runs {@code command} in {@code dir} (may be null) with extra environment {@code env}. */
  public static Result run(
      List<String> command, Path dir, Map<String, String> env, Duration limit) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "command " + command + " did not finish within " + limit + ":\n" + out.getNow(""));
      }
      return new Result(command, p.exitValue(), out.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** Runs and requires exit code 0. */
  public static Result check(List<String> command, Duration limit) {
    return run(command, null, Map.of(), limit).orThrow();
  }

  private static String drain(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
