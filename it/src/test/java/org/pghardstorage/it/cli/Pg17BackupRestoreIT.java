package org.pghardstorage.it.cli;

/** Backup, verify and restore on PostgreSQL 17. */
class Pg17BackupRestoreIT extends AbstractBackupRestoreIT {
  @Override
  int major() {
    return 17;
  }
}
