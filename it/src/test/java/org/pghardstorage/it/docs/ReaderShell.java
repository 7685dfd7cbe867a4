package org.pghardstorage.it.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The reader's terminal: runs a block's text in bash on a pseudo-terminal ({@code script} of
 * util-linux), so pg_hardstorage prints what it prints to a person (text, not the JSON it prints
 * into a pipe), standard error interleaved as on a screen. Variables a block exports and the
 * directory it changes to carry over to the next block of the page, as in one terminal session.
 */
final class ReaderShell {
  private static final Duration BLOCK_LIMIT = Duration.ofMinutes(8);

  private final Path stateDir;
  private int counter;

  ReaderShell(Path stateDir, Path initialDirectory) {
    this.stateDir = stateDir;
    try {
      Files.createDirectories(stateDir);
      Files.writeString(stateDir.resolve("cwd"), initialDirectory + "\n");
      Files.writeString(stateDir.resolve("env"), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a block printed and how it ended. */
  record Run(int exitCode, String output) {}

  /** A block still running, its output going to a file. */
  final class Background {
    private final Process process;
    private final Path log;
    private final String text;

    private final Path script;

    private Background(Process process, Path log, String text, Path script) {
      this.process = process;
      this.log = log;
      this.text = text;
      this.script = script;
    }

    /** The block's text, for messages. */
    String text() {
      return text;
    }

    /** Everything it printed so far. */
    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Waits until the output (as a terminal shows it) matches {@code until}; false if the block
     * ended first or nothing matched within {@code limit}.
     */
    boolean await(Pattern until, Duration limit) throws InterruptedException {
      Instant deadline = Instant.now().plus(limit);
      while (Instant.now().isBefore(deadline)) {
        if (until.matcher(ExpectedOutput.normalize(output())).find()) {
          return true;
        }
        if (!process.isAlive()) {
          return until.matcher(ExpectedOutput.normalize(output())).find();
        }
        Thread.sleep(200);
      }
      return false;
    }

    private boolean runsTheBlock(ProcessHandle h) {
      return h.info().commandLine().orElse("").contains(script.toString());
    }

    /**
     * Stops it as a service manager would stop the command: SIGTERM to the command the block's
     * shell is running (not to the shell, whose own status would hide the command's), then waits;
     * the block's exit status, or -1 if it had to be killed.
     */
    int terminate() throws InterruptedException {
      if (process.isAlive()) {
        process
            .descendants()
            .filter(this::runsTheBlock)
            .filter(h -> h.children().noneMatch(this::runsTheBlock)) // bash, not a sh -c around it
            .flatMap(ProcessHandle::children)
            .forEach(ProcessHandle::destroy);
      }
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return -1;
      }
      return process.exitValue();
    }
  }

  /** Runs {@code text} to its end. */
  Run run(String text, Map<String, String> env) throws InterruptedException {
    Path log = stateDir.resolve("out-" + (++counter));
    Process p = start(text, env, log);
    if (!p.waitFor(BLOCK_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      return new Run(
          -1, read(log) + "\n[the docs test stopped this block after " + BLOCK_LIMIT + "]");
    }
    return new Run(p.exitValue(), read(log));
  }

  /** Starts {@code text} and returns while it runs. */
  Background start(String text, Map<String, String> env) {
    Path log = stateDir.resolve("out-" + (++counter));
    return new Background(start(text, env, log), log, text, scriptOf(counter));
  }

  private Process start(String text, Map<String, String> env, Path log) {
    Path script = scriptOf(counter);
    String state = stateDir.toString();
    // Exports of the block are appended to the state file, so that the next block sees them
    // after the variables the test sets, as a terminal would.
    String prelude =
        String.join(
            "\n",
            ". '" + state + "/env'",
            "cd \"$(cat '" + state + "/cwd')\"",
            "export -p | sort > '" + state + "/before'",
            "trap 'export -p | sort > \""
                + state
                + "/after\"; comm -13 \""
                + state
                + "/before\" \""
                + state
                + "/after\" >> \""
                + state
                + "/env\"; pwd > \""
                + state
                + "/cwd\"' EXIT",
            "set -e -o pipefail",
            "");
    try {
      Files.writeString(script, prelude + text);
      ProcessBuilder pb =
          new ProcessBuilder(List.of("script", "-qec", "bash " + script, "/dev/null"))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path scriptOf(int block) {
    return stateDir.resolve("block-" + block + ".sh");
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
