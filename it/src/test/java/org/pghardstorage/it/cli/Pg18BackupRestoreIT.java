package org.pghardstorage.it.cli;

/** Backup, verify and restore on PostgreSQL 18. */
class Pg18BackupRestoreIT extends AbstractBackupRestoreIT {
  @Override
  int major() {
    return 18;
  }
}
