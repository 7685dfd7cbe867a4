package org.pghardstorage.core.pg;

import java.util.Optional;

/**
 * The answer to {@code IDENTIFY_SYSTEM}.
 *
 * @param systemId the cluster's system identifier
 * @param timeline the server's current timeline
 * @param xlogPos the current WAL flush position
 * @param dbname the connected database; empty on a physical replication connection
 */
public record SystemIdentification(
    SystemIdentifier systemId, TimelineId timeline, Lsn xlogPos, Optional<String> dbname) {}
