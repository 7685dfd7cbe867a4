package org.pghardstorage.core.pg;

import java.util.Optional;

/**
 * A replication slot as {@code CREATE_REPLICATION_SLOT} or {@code READ_REPLICATION_SLOT} reports
 * it.
 *
 * @param name the slot name
 * @param type {@code physical} or {@code logical}
 * @param restartLsn the oldest WAL the slot retains; empty if it reserves none yet
 * @param restartTimeline the timeline of {@code restartLsn}
 */
public record ReplicationSlot(
    String name, String type, Optional<Lsn> restartLsn, Optional<TimelineId> restartTimeline) {}
