/**
 * Content-defined chunking of PostgreSQL files and chunk identity: {@link
 * org.pghardstorage.core.chunk.PageAlignedChunker} (FastCDC with cuts on 8 KiB page boundaries),
 * {@link org.pghardstorage.core.chunk.ChunkId} and its keyed hash {@link
 * org.pghardstorage.core.chunk.ChunkIdHasher}. The algorithms are fixed by the repository format
 * specification ({@code docs/explanation/repository-format.md}, §5): changing a boundary or an id
 * breaks deduplication against every existing repository.
 */
package org.pghardstorage.core.chunk;
