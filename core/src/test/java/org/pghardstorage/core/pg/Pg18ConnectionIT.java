package org.pghardstorage.core.pg;

/** Connection, authentication and TLS tests against PostgreSQL 18. */
class Pg18ConnectionIT extends AbstractConnectionIT {
  @Override
  int major() {
    return 18;
  }
}
