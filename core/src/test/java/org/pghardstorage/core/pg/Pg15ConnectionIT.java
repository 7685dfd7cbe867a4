package org.pghardstorage.core.pg;

/** Connection, authentication and TLS tests against PostgreSQL 15. */
class Pg15ConnectionIT extends AbstractConnectionIT {
  @Override
  int major() {
    return 15;
  }
}
