package org.pghardstorage.core.repo;

/**
 * What one garbage collection deleted (format spec §14.2).
 *
 * @param packsDeleted unreferenced packs deleted from {@code data/}
 * @param packBytesDeleted their stored size
 * @param indexFilesWritten new index files listing the referenced packs of rewritten files
 * @param indexFilesDeleted index files deleted because they listed an unreferenced pack
 * @param orphansDeleted {@code backup_manifest} objects of backups that never committed
 */
public record GarbageCollection(
    int packsDeleted,
    long packBytesDeleted,
    int indexFilesWritten,
    int indexFilesDeleted,
    int orphansDeleted) {}
