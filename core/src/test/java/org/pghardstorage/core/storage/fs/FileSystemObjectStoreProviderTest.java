package org.pghardstorage.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStores;

class FileSystemObjectStoreProviderTest {
  @Test
  void absoluteFileUrlsNameTheirPath() {
    assertThat(root("file:///srv/repo")).isEqualTo(Path.of("/srv/repo"));
    assertThat(root("file:/srv/repo")).isEqualTo(Path.of("/srv/repo"));
    assertThat(root("file://localhost/srv/repo")).isEqualTo(Path.of("/srv/repo"));
    assertThat(root("file:///srv/repo/")).isEqualTo(Path.of("/srv/repo"));
    assertThat(root("file:///srv/old/../repo")).isEqualTo(Path.of("/srv/repo"));
    assertThat(root("file:///srv/with%20space")).isEqualTo(Path.of("/srv/with space"));
  }

  @Test
  void aHostIsRejectedSuggestingThreeSlashes() {
    assertThatThrownBy(() -> root("file://srv/repo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'file://srv/repo'")
        .hasMessageContaining("host 'srv'")
        .hasMessageContaining("file:///srv/repo");
    assertThatThrownBy(() -> root("file://backup.example.com/srv/repo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host 'backup.example.com'");
  }

  @Test
  void relativePathsAreRejected() {
    assertThatThrownBy(() -> root("file:repo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'file:repo'")
        .hasMessageContaining("relative path 'repo'")
        .hasMessageContaining("file:///absolute/path");
    assertThatThrownBy(() -> root("file:./repo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relative");
  }

  @Test
  void queriesAndFragmentsAreRejected() {
    assertThatThrownBy(() -> root("file:///srv/repo?sync=off"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(() -> root("file:///srv/repo#x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fragment");
  }

  @Test
  void objectStoresOpensFileUrlsAndBarePathsThroughTheServiceLoader(@TempDir Path temp)
      throws Exception {
    Path repo = Files.createDirectory(temp.resolve("repo"));

    try (ObjectStore byUrl = ObjectStores.open(repo.toUri().toString());
        ObjectStore byPath = ObjectStores.open(repo.toString())) {
      byUrl.putIfAbsent(ObjectKey.of("k"), new byte[] {42});

      assertThat(byUrl).isInstanceOf(FileSystemObjectStore.class);
      assertThat(((FileSystemObjectStore) byPath).root()).isEqualTo(repo);
      assertThat(byPath.get(ObjectKey.of("k"))).containsExactly(42);
    }
  }

  @Test
  void objectStoresReportsABadFileUrlAsAUsageError() {
    assertThatThrownBy(() -> ObjectStores.open("file://srv/repo"))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("file:///srv/repo");
  }

  private static Path root(String url) {
    return FileSystemObjectStoreProvider.rootOf(URI.create(url));
  }
}
