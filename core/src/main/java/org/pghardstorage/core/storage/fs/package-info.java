/**
 * The filesystem storage backend ({@code file:///absolute/path}): one file per object under a root
 * directory, written to a hidden temporary file, fsynced, and published atomically by a hard link
 * (create-if-absent) or a rename (replace). The on-disk behaviour is documented in {@code
 * docs/reference/storage-spi.md}.
 */
package org.pghardstorage.core.storage.fs;
