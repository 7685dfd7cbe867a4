/**
 * The repository, format 1 (spec: {@code docs/explanation/repository-format.md}). {@link
 * org.pghardstorage.core.repo.Repository} is the entry point: it writes backups through {@link
 * org.pghardstorage.core.repo.BackupWriter} (chunk, deduplicate, compress, seal, pack, commit),
 * reads them back through {@link org.pghardstorage.core.repo.ChunkReader}, verifies packs, archives
 * WAL through {@link org.pghardstorage.core.repo.WalArchive}, and takes locks. Byte layouts and
 * codecs are package-private; the manifest model lives in {@code repo.manifest}.
 */
package org.pghardstorage.core.repo;
