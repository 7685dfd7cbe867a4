package org.pghardstorage.it.cli;

/** INCREMENTAL BASE_BACKUP on PostgreSQL 17. */
class Pg17IncrementalBackupIT extends AbstractIncrementalBackupIT {
  @Override
  int major() {
    return 17;
  }
}
