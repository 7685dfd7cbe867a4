package org.pghardstorage.ejb.restore;

/**
 * What a restore plan is for: the same choices as {@code pg_hardstorage restore --preview}. At most
 * one recovery target ({@code time}, {@code lsn}, {@code name}, {@code xid}, {@code latest}); none
 * means "as soon as consistent".
 *
 * @param backup {@code latest} (default) or a backup id
 * @param target the data directory the restore would write (absolute, on the restoring host)
 * @param time recover up to this moment (ISO-8601 with offset, e.g. {@code 2026-11-30T02:40:00Z})
 * @param lsn recover up to this LSN
 * @param name recover up to this named restore point
 * @param xid recover up to this transaction id
 * @param latest recover to the end of the archived WAL
 * @param action what recovery does at the target: pause (default), promote or shutdown
 * @param timeline the timeline to follow: latest (default), current or a number
 * @param launcher the {@code pg_hardstorage} launcher's absolute path on the restoring host, for
 *     {@code restore_command} (default {@code pg_hardstorage})
 * @param force whether a non-empty target would be overwritten
 */
public record RestorePlanRequest(
    String backup,
    String target,
    String time,
    String lsn,
    String name,
    Long xid,
    Boolean latest,
    String action,
    String timeline,
    String launcher,
    Boolean force) {}
