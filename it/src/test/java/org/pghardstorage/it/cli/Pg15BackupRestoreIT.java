package org.pghardstorage.it.cli;

/** Backup, verify and restore on PostgreSQL 15. */
class Pg15BackupRestoreIT extends AbstractBackupRestoreIT {
  @Override
  int major() {
    return 15;
  }
}
