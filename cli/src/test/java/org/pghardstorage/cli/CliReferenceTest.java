package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pghardstorage.cli.docs.ReferencePages;

/**
 * The checked-in command reference equals what the command tree generates. To regenerate after
 * changing a command: {@code ./mvnw -pl cli -am test -Dtest=CliReferenceTest
 * -Dpghs.docs.update=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class CliReferenceTest {
  static final Path DIR = Path.of("../docs/reference/cli");

  @Test
  void referencePagesMatchTheCommandTree() throws IOException {
    Map<String, String> pages = ReferencePages.render(Main.commandLine());
    if (Boolean.getBoolean("pghs.docs.update")) {
      Files.createDirectories(DIR);
      try (var old = Files.list(DIR)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      for (Map.Entry<String, String> e : pages.entrySet()) {
        Files.writeString(DIR.resolve(e.getKey()), e.getValue());
      }
    }
    assertThat(pages)
        .containsKeys("README.md", "backup.md", "restore.md", "wal-fetch.md", "doctor.md");
    for (Map.Entry<String, String> e : pages.entrySet()) {
      Path file = DIR.resolve(e.getKey());
      assertThat(file)
          .as("stale or missing " + file + "; regenerate (see this test's Javadoc)")
          .exists();
      assertThat(Files.readString(file)).as(file.toString()).isEqualTo(e.getValue());
    }
    try (var present = Files.list(DIR)) {
      assertThat(present.map(p -> p.getFileName().toString()).toList())
          .as("pages of commands that no longer exist")
          .containsExactlyInAnyOrderElementsOf(pages.keySet());
    }
  }
}
