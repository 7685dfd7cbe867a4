package org.pghardstorage.storage.s3;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreContractTest;
import org.pghardstorage.core.storage.ObjectStores;
import org.pghardstorage.devstack.S3ProxyServer;

/**
 * The storage contract on a real S3 server (S3Proxy), through the provider as a repository URL
 * opens it: each test gets a fresh prefix in one bucket, and the credentials come from the SDK's
 * default chain (here its system properties).
 */
class S3ObjectStoreContractTest extends ObjectStoreContractTest {
  static final String BUCKET = "pghs-contract";
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @BeforeAll
  static void server() {
    S3ProxyServer.get().createBucket(BUCKET);
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
  }

  /**
   * S3Proxy writes an object under a temporary name ({@code key-UUID}) and renames it, and lists
   * the temporary object meanwhile, with all its stores (in memory or on a filesystem). Amazon S3
   * lists completed objects only. The objects this store writes are still checked: never listed
   * with a partial size.
   */
  @Override
  protected boolean testServerListsTemporaryObjects() {
    return true;
  }

  @Override
  protected ObjectStore newStore() {
    return ObjectStores.open(
        S3ProxyServer.get().url(BUCKET, "repo-" + PREFIXES.incrementAndGet() + "/"));
  }
}
