package org.pghardstorage.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code down} and {@code down --purge} on a stack whose servers are already stopped (so no server
 * is needed): {@code down} keeps every byte, {@code --purge} names each path, then removes it.
 */
class DevStackTest {
  @TempDir Path tmp;
  private Path dir;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private DevStack stack;

  @BeforeEach
  void aStoppedStack() throws Exception {
    dir = Files.createDirectories(tmp.resolve("dev"));
    Path backup = Files.createDirectories(dir.resolve("repository/backups/shop"));
    Files.writeString(backup.resolve("manifest"), "a backup");
    Files.createDirectories(dir.resolve("server/pg18-25432/data"));
    Files.createDirectories(dir.resolve("demo/pg18-25433/data"));
    Files.writeString(dir.resolve("credentials.txt"), "admin x\n");
    Files.writeString(
        dir.resolve("state.json"),
        "{\"dir\": \""
            + dir
            + "\", \"catalogueDataDir\": \""
            + dir.resolve("server/pg18-25432/data")
            + "\", \"demoDataDir\": \""
            + dir.resolve("demo/pg18-25433/data")
            + "\", \"payaraDomainDir\": \""
            + dir.resolve("server/payara")
            + "\", \"portBase\": 20000}");
    stack = new DevStack(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  @Test
  void downKeepsTheRepositoryAndSaysHowToRemoveIt() throws Exception {
    stack.down(false);

    assertThat(dir.resolve("repository/backups/shop/manifest")).hasContent("a backup");
    assertThat(dir.resolve("server/pg18-25432/data")).isDirectory();
    assertThat(dir.resolve("state.json")).exists();
    assertThat(output())
        .contains("Its data is kept in " + dir)
        .contains("'./pg_hardstorage up' starts it again")
        .contains("down --purge");
  }

  @Test
  void purgeNamesEveryPathItRemovesThenRemovesThem() throws Exception {
    stack.down(true);

    assertThat(dir).doesNotExist();
    assertThat(tmp).isDirectory();
    assertThat(output().lines().toList())
        .containsSubsequence(
            "Removing " + dir + " and everything in it:",
            "  " + dir.resolve("credentials.txt") + "   (the generated passwords)",
            "  "
                + dir.resolve("repository")
                + "   (the backup repository: every backup and WAL segment in it)",
            "  " + dir.resolve("state.json") + "   (what 'up' started)",
            "  " + dir,
            "Removed " + dir + ".");
    assertThat(output()).contains(dir.resolve("server").toString(), dir.resolve("demo").toString());
  }

  @Test
  void purgeOfNothingSaysSo() throws Exception {
    Locations.deleteTree(dir);
    stack.down(true);
    assertThat(output()).contains("not up").contains("Nothing to remove: " + dir);
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }
}
