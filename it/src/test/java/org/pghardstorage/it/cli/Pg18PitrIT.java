package org.pghardstorage.it.cli;

/** Point-in-time recovery on PostgreSQL 18. */
class Pg18PitrIT extends AbstractPitrIT {
  @Override
  int major() {
    return 18;
  }
}
