package org.pghardstorage.core.pg;

/** Replication, BASE_BACKUP and timeline tests against PostgreSQL 15. */
class Pg15ReplicationIT extends AbstractReplicationIT {
  @Override
  int major() {
    return 15;
  }
}
