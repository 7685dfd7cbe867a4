package org.pghardstorage.core.storage;

import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Without faults the injector is transparent. */
class FaultInjectingObjectStoreContractTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new FaultInjectingObjectStore(new MemoryObjectStore("faults"));
  }
}
