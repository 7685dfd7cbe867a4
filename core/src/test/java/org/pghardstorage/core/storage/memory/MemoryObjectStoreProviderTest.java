package org.pghardstorage.core.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStores;

class MemoryObjectStoreProviderTest {
  @Test
  void storesWithTheSameNameShareContentButCloseSeparately() {
    ObjectKey key = ObjectKey.of("shared");
    try (ObjectStore first = ObjectStores.open("memory://provider_test");
        ObjectStore second = ObjectStores.open("memory://provider_test")) {
      first.putIfAbsent(key, new byte[] {1});
      first.close();

      assertThatThrownBy(() -> first.get(key))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("memory://provider_test");
      assertThat(second.get(key)).containsExactly(1);
    }
  }

  @Test
  void aUrlWithoutANameIsRejectedWithTheExpectedForm() {
    assertThatThrownBy(() -> new MemoryObjectStoreProvider().open(URI.create("memory:///")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory://test");
  }
}
