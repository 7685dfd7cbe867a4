package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console's views show what the application services answer: no JPA entity reaches a page and
 * no view opens a repository or runs a batchlet. This reads the module's sources.
 */
class ViewsHoldNoEntitiesTest {
  private static final List<String> FORBIDDEN =
      List.of(
          "org.pghardstorage.persistence.",
          "org.pghardstorage.batch.",
          "org.pghardstorage.core.repo.",
          "jakarta.persistence.");

  @Test
  void noViewNamesAnEntityARepositoryOrABatchlet() throws IOException {
    List<String> found = new ArrayList<>();
    Path sources = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String text = Files.readString(f);
        FORBIDDEN.stream()
            .filter(text::contains)
            .forEach(x -> found.add(sources.relativize(f) + ": " + x));
      }
    }
    assertThat(found).isEmpty();
  }
}
