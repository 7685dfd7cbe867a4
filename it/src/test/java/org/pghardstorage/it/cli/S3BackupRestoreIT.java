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
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket("pghs-it");
    return s3.url("pghs-it", "br18/")
        + "&credentials_file="
        + s3.credentialsFile(work.resolve("aws-credentials"));
  }
}
