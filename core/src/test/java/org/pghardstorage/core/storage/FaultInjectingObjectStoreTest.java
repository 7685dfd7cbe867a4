package org.pghardstorage.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.storage.FaultInjectingObjectStore.unavailable;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class FaultInjectingObjectStoreTest {
  private final MemoryObjectStore backend = new MemoryObjectStore("behind-faults");
  private final FaultInjectingObjectStore store = new FaultInjectingObjectStore(backend);
  private final ObjectKey key = ObjectKey.of("data/ab/k");

  @Test
  void failsExactlyTheNthCallOfTheOperation() {
    backend.put(key, bytes("v"));
    store.failCall(StorageOperation.GET, 2, unavailable("second get"));

    assertThat(store.get(key)).isEqualTo(bytes("v"));
    assertThatThrownBy(() -> store.get(key))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("second get");
    assertThat(store.get(key)).isEqualTo(bytes("v"));
    assertThat(store.stat(key)).isPresent();
    assertThat(store.calls(StorageOperation.GET)).isEqualTo(3);
    assertThat(store.calls(StorageOperation.STAT)).isEqualTo(1);
  }

  @Test
  void aFailureBeforeTheCallLeavesTheBackendUntouched() {
    store.failNextCalls(StorageOperation.PUT_IF_ABSENT, 2, unavailable("down"));

    assertThatThrownBy(() -> store.putIfAbsent(key, bytes("a")))
        .isInstanceOf(StorageUnavailableException.class);
    assertThatThrownBy(() -> store.putIfAbsent(key, bytes("a")))
        .isInstanceOf(StorageUnavailableException.class);
    assertThat(backend.stat(key)).isEmpty();

    assertThat(store.putIfAbsent(key, bytes("a"))).isTrue();
  }

  @Test
  void aFailureAfterApplyingLeavesTheWriteDone() {
    store.failCallAfterApplying(StorageOperation.PUT, 1, unavailable("answer lost"));

    assertThatThrownBy(() -> store.put(key, bytes("applied")))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("answer lost");

    assertThat(backend.get(key)).isEqualTo(bytes("applied"));
  }

  @Test
  void corruptedReadsDifferInOneBitAndTheStoredObjectStaysIntact() {
    byte[] data = bytes("0123456789");
    backend.put(key, data);
    backend.put(ObjectKey.of("other"), data);
    store.corruptReads(key::equals);

    byte[] read = store.get(key);
    byte[] range = store.getRange(key, 2, 6);

    assertThat(read).isNotEqualTo(data).hasSameSizeAs(data);
    assertThat(read[5] ^ data[5]).isEqualTo(1);
    assertThat(range[3] ^ data[5]).isEqualTo(1);
    assertThat(store.get(ObjectKey.of("other"))).isEqualTo(data);
    assertThat(backend.get(key)).isEqualTo(data);
  }

  @Test
  void aFullDiskRefusesWritesThatDoNotFitAndStoresNothing() {
    store.diskFullAfter(10);

    assertThat(store.putIfAbsent(ObjectKey.of("a"), new byte[6])).isTrue();
    assertThat(store.putIfAbsent(ObjectKey.of("a"), new byte[4]))
        .as("a write that finds the object keeps no space")
        .isFalse();
    assertThatThrownBy(() -> store.put(ObjectKey.of("b"), new byte[5]))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("no space left")
        .hasMessageContaining("'b'")
        .hasMessageContaining("4 bytes left");
    assertThat(backend.stat(ObjectKey.of("b"))).isEmpty();

    store.put(ObjectKey.of("b"), new byte[4]);
    assertThat(backend.stat(ObjectKey.of("b"))).isPresent();
  }

  @Test
  void spaceIsReturnedWhenTheBackendFails() {
    store.diskFullAfter(10);
    store.failCall(StorageOperation.PUT, 1, unavailable("down"));

    assertThatThrownBy(() -> store.put(key, new byte[10]))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("down");

    store.put(key, new byte[10]);
    assertThat(backend.stat(key)).map(ObjectInfo::size).contains(10L);
  }

  @Test
  void anEmptyRangeOfCallsIsRejected() {
    assertThatThrownBy(() -> store.failCall(StorageOperation.GET, 0, unavailable("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..0");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
