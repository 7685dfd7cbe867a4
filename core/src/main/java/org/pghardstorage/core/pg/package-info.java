/**
 * The PostgreSQL client: value types of the write-ahead log ({@link org.pghardstorage.core.pg.Lsn},
 * {@link org.pghardstorage.core.pg.TimelineId}, {@link org.pghardstorage.core.pg.WalSegmentName}),
 * libpq-compatible connection strings ({@link org.pghardstorage.core.pg.ConnInfo}), and a
 * hand-written frontend/backend protocol v3 client ({@link org.pghardstorage.core.pg.PgConnection})
 * with the replication commands pg_hardstorage needs ({@link
 * org.pghardstorage.core.pg.ReplicationConnection}): IDENTIFY_SYSTEM, slots, TIMELINE_HISTORY,
 * START_REPLICATION and BASE_BACKUP, all streamed without buffering.
 *
 * <p>We speak the protocol ourselves because PgJDBC cannot run BASE_BACKUP, cannot follow timeline
 * switches and cannot reserve WAL when creating a slot. Every failure is a {@link
 * org.pghardstorage.core.error.HardstorageException}; errors reported by the server are {@link
 * org.pghardstorage.core.pg.PgServerException} and keep their SQLSTATE.
 */
package org.pghardstorage.core.pg;
