package org.pghardstorage.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.pghardstorage.it.cli.Cli;

/**
 * What an operator does after a process holding a repository lock was killed: the lock stays live
 * until its heartbeat is 30 minutes old (liveness is never guessed from a pid), so they check that
 * the holder is gone and remove its lock with {@code repo unlock --lock ID --force}.
 */
final class Locks {
  private Locks() {}

  /**
   * Removes every lock of the repository whose holder was the (dead) process {@code pid}, as an
   * operator would: the ids from {@code repo locks}, not from the directory. A kill can land while
   * a lock object is being written or its heartbeat rewritten, leaving a hidden temporary file in
   * {@code locks/} that is no lock (the store never lists it, and it may hold half a document).
   */
  static void releaseLocksOf(String repo, long pid) {
    Cli.Result listed = Cli.run("repo", "locks", "--repo", repo, "-o", "json");
    assertThat(listed.exitCode()).as("repo locks after a kill: %s", listed).isZero();
    for (JsonNode lock : listed.result()) {
      if (lock.path("pid").asLong() == pid) {
        String id = lock.path("id").asText();
        Cli.Result r = Cli.run("repo", "unlock", "--repo", repo, "--lock", id, "--force");
        assertThat(r.exitCode()).as("unlock after a kill: %s", r).isZero();
      }
    }
  }
}
