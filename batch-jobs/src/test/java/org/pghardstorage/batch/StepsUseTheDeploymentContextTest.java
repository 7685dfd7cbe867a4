package org.pghardstorage.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A job step reaches a deployment only through its deployment context (a catalogued deployment's
 * {@code Protected.context()}, or an application service built on it): it opens no store, builds no
 * retry policy and opens no PostgreSQL connection of its own, so the slot, the secrets and the
 * retries are the ones the command line and the API use. This reads the module's sources.
 */
class StepsUseTheDeploymentContextTest {
  private static final List<String> FORBIDDEN =
      List.of(
          "ObjectStores.open",
          "RetryingObjectStore",
          "RetryPolicy",
          "ReplicationConnection.open",
          "Secrets.resolve");

  @Test
  void noStepOpensAStoreAConnectionOrASecretItself() throws IOException {
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
