package org.pghardstorage.core.repo;

import org.pghardstorage.core.chunk.PageAlignedChunker;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * The parts of an open repository, shared by its writers, readers and verifiers. {@code walZstd}
 * and {@code walObjects} write WAL at the repository's WAL level; any codec reads objects of any
 * level.
 */
record RepoContext(
    ObjectStore store,
    RepositoryConfig config,
    RepositoryKeys keys,
    ZstdCodec zstd,
    BlobCodec blobs,
    SealedObjectCodec objects,
    ZstdCodec walZstd,
    SealedObjectCodec walObjects,
    PageAlignedChunker chunker,
    ChunkIndex index,
    IndexStore indexes,
    LockManager locks,
    OpenOptions options) {

  /** The store's description, for messages. */
  String where() {
    return store.describe();
  }
}
