package org.pghardstorage.core.storage.memory;

import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreContractTest;

class MemoryObjectStoreContractTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new MemoryObjectStore("contract");
  }
}
