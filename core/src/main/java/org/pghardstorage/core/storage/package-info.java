/**
 * The storage SPI ({@link org.pghardstorage.core.storage.ObjectStore}) and its value types.
 * Backends live in sub-packages ({@code fs}, {@code memory}) or in their own modules, and register
 * through {@link org.pghardstorage.core.storage.ObjectStoreProvider}.
 */
package org.pghardstorage.core.storage;
