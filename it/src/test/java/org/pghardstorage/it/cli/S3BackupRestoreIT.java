package org.pghardstorage.it.cli;

import org.pghardstorage.devstack.S3ProxyServer;

/**
 * The backup contract of {@link AbstractBackupRestoreIT} with the repository on S3: a real S3
 * server (S3Proxy) on loopback, credentials from an AWS credentials file the URL names, so that
 * {@code restore_command}, which PostgreSQL runs as its own OS user, reads the WAL from S3 too.
 */
class S3BackupRestoreIT extends AbstractBackupRestoreIT {
  @Override
  int major() {
    return 18;
  }

  @Override
  String repositoryUrl() {
    return S3ProxyServer.get().repositoryWithCredentialsFile("pghs-it", "br18/", work);
  }
}
