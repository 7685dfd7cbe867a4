package org.pghardstorage.it.cli;

/** Point-in-time recovery on PostgreSQL 15. */
class Pg15PitrIT extends AbstractPitrIT {
  @Override
  int major() {
    return 15;
  }
}
