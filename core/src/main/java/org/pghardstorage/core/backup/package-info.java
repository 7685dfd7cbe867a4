/**
 * Base backups: {@code BASE_BACKUP} over the replication protocol, streamed archive by archive into
 * the repository, with the WAL from the backup's start to its end made durable beside it before the
 * backup is committed.
 */
package org.pghardstorage.core.backup;
