package org.pghardstorage.core.pg;

/** Connection, authentication and TLS tests against PostgreSQL 17. */
class Pg17ConnectionIT extends AbstractConnectionIT {
  @Override
  int major() {
    return 17;
  }
}
