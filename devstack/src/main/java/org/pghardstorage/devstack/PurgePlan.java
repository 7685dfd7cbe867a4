package org.pghardstorage.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code ./pg_hardstorage down --purge} removes: the stack's directory and everything in it,
 * the repository with every backup included. Told in full, path by path, before anything goes.
 *
 * @param dir the stack's directory
 * @param entries what it holds, in name order
 */
record PurgePlan(Path dir, List<Path> entries) {
  private static final Map<String, String> KNOWN =
      Map.of(
          "repository", "the backup repository: every backup and WAL segment in it",
          "server", "the catalogue database, the Payara domain and the secrets directory",
          "demo", "the demo PostgreSQL 18 and its data, database shop",
          "credentials.txt", "the generated passwords",
          "state.json", "what 'up' started");

  /** The plan for {@code dir} as it is now (empty if it does not exist). */
  static PurgePlan of(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return new PurgePlan(dir, List.of());
    }
    try (Stream<Path> list = Files.list(dir)) {
      return new PurgePlan(dir, list.sorted().toList());
    }
  }

  /** Whether there is anything to remove. */
  boolean isEmpty() {
    return !Files.exists(dir);
  }

  /** The lines that say what is removed, one path a line. */
  List<String> describe() {
    Stream<String> lines =
        entries.stream()
            .map(
                p -> {
                  String what = KNOWN.get(p.getFileName().toString());
                  return "  " + p + (what == null ? "" : "   (" + what + ")");
                });
    return Stream.concat(
            Stream.of("Removing " + dir + " and everything in it:"),
            Stream.concat(lines, Stream.of("  " + dir)))
        .toList();
  }

  /** Removes the directory and all it holds. */
  void execute() throws IOException {
    Locations.deleteTree(dir);
  }
}
