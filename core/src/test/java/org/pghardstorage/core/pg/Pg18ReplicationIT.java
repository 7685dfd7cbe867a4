package org.pghardstorage.core.pg;

/** Replication, BASE_BACKUP and timeline tests against PostgreSQL 18. */
class Pg18ReplicationIT extends AbstractReplicationIT {
  @Override
  int major() {
    return 18;
  }
}
