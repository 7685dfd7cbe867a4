package org.pghardstorage.core.pg;

/** Replication, BASE_BACKUP and timeline tests against PostgreSQL 17. */
class Pg17ReplicationIT extends AbstractReplicationIT {
  @Override
  int major() {
    return 17;
  }
}
