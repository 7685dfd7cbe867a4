package org.pghardstorage.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreContractTest;

class FileSystemObjectStoreContractTest extends ObjectStoreContractTest {
  @TempDir Path temp;
  private Path root;

  @Override
  protected ObjectStore newStore() throws IOException {
    root = Files.createDirectory(temp.resolve("repo"));
    return new FileSystemObjectStore(root);
  }

  /** Every write, won, lost or replaced, removes its temporary file. */
  @AfterEach
  void noTemporaryFilesAreLeftBehind() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> leftovers =
          files
              .filter(p -> p.getFileName().toString().startsWith(TempFileWriter.TEMP_PREFIX))
              .toList();
      assertThat(leftovers).isEmpty();
    }
  }
}
