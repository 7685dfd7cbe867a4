package org.pghardstorage.core.pg;

/** Replication, BASE_BACKUP and timeline tests against PostgreSQL 16. */
class Pg16ReplicationIT extends AbstractReplicationIT {
  @Override
  int major() {
    return 16;
  }
}
