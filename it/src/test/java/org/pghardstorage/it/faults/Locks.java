package org.pghardstorage.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.pghardstorage.it.cli.Cli;

/**
 * What an operator does after a process holding a repository lock was killed: the lock stays live
 * until its heartbeat is 30 minutes old (liveness is never guessed from a pid), so they check that
 * the holder is gone and remove its lock with {@code repo unlock --lock ID --force}.
 */
final class Locks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Locks() {}

  /** Removes every lock of a file repository whose holder was the (dead) process {@code pid}. */
  static void releaseLocksOf(String repo, Path repoDir, long pid) {
    try (Stream<Path> locks = Files.list(repoDir.resolve("locks"))) {
      for (Path lock : locks.toList()) {
        JsonNode holder = JSON.readTree(Files.readAllBytes(lock));
        if (holder.path("pid").asLong() == pid) {
          Cli.Result r =
              Cli.run(
                  "repo",
                  "unlock",
                  "--repo",
                  repo,
                  "--lock",
                  lock.getFileName().toString(),
                  "--force");
          assertThat(r.exitCode()).as("unlock after a kill: %s", r).isZero();
        }
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // no locks directory: nothing was locked
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
