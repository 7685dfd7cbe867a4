package org.pghardstorage.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationsTest {
  @TempDir Path tmp;

  @Test
  void deleteTreeRemovesEverythingButFollowsNoLink() throws IOException {
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
    Path root = Files.createDirectories(tmp.resolve("root/a/b"));
    Files.writeString(root.resolve("f"), "x");
    Files.createSymbolicLink(tmp.resolve("root/link"), outside);
    Locations.deleteTree(tmp.resolve("root"));
    assertThat(tmp.resolve("root")).doesNotExist();
    assertThat(outside).hasContent("keep");
    Locations.deleteTree(tmp.resolve("root")); // missing is fine
  }

  @Test
  void deleteTreeToleratesAnotherDeleterOfTheSameTree() throws Exception {
    Path root = tmp.resolve("big");
    for (int d = 0; d < 20; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d));
      for (int f = 0; f < 50; f++) {
        Files.writeString(dir.resolve("f" + f), "x");
      }
    }
    List<CompletableFuture<Void>> deleters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      deleters.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  Locations.deleteTree(root);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }));
    }
    for (CompletableFuture<Void> f : deleters) {
      f.join();
    }
    assertThat(root).doesNotExist();
  }
}
