package org.pghardstorage.it.cli;

/** INCREMENTAL BASE_BACKUP on PostgreSQL 18. */
class Pg18IncrementalBackupIT extends AbstractIncrementalBackupIT {
  @Override
  int major() {
    return 18;
  }
}
