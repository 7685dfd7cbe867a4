package org.pghardstorage.it.cli;

/** Backup, verify and restore on PostgreSQL 16. */
class Pg16BackupRestoreIT extends AbstractBackupRestoreIT {
  @Override
  int major() {
    return 16;
  }
}
