package org.pghardstorage.core.pg;

/** Connection, authentication and TLS tests against PostgreSQL 16. */
class Pg16ConnectionIT extends AbstractConnectionIT {
  @Override
  int major() {
    return 16;
  }
}
