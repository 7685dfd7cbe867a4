package org.pghardstorage.core.storage.retry;

import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreContractTest;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Retrying is transparent when nothing fails. */
class RetryingObjectStoreContractTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new RetryingObjectStore(
        new MemoryObjectStore("retrying"), RetryPolicy.DEFAULT, RetryListener.NONE);
  }
}
