package org.pghardstorage.it.cli;

import org.pghardstorage.devstack.S3ProxyServer;

/**
 * Point-in-time recovery of {@link AbstractPitrIT} with the repository on S3 (S3Proxy on loopback):
 * the WAL streamer writes complete and partial segments into S3 under load, and each restore's
 * {@code restore_command}, run by PostgreSQL as its own OS user, fetches them from S3 with the
 * credentials file the URL names.
 */
class S3PitrIT extends AbstractPitrIT {
  @Override
  int major() {
    return 18;
  }

  @Override
  String repositoryUrl() {
    return S3ProxyServer.get().repositoryWithCredentialsFile("pghs-it", "pitr18/", work);
  }
}
