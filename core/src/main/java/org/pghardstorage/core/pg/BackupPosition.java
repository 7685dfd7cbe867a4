package org.pghardstorage.core.pg;

/**
 * A WAL position with its timeline, as BASE_BACKUP reports the start and end of a backup.
 *
 * @param lsn the position
 * @param timeline the timeline it is on
 */
public record BackupPosition(Lsn lsn, TimelineId timeline) {}
