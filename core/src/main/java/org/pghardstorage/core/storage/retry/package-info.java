/**
 * Retrying decorator for the storage SPI: {@link
 * org.pghardstorage.core.storage.retry.RetryingObjectStore} retries calls that failed with {@link
 * org.pghardstorage.core.storage.StorageUnavailableException}, with bounded, jittered exponential
 * backoff, and reports every retry to a {@link org.pghardstorage.core.storage.retry.RetryListener}
 * (the server exports them as {@code storage retries}).
 */
package org.pghardstorage.core.storage.retry;
