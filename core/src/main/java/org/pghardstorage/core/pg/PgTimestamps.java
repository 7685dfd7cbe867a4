package org.pghardstorage.core.pg;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** PostgreSQL's protocol timestamps: microseconds since 2000-01-01 00:00:00 UTC. */
public final class PgTimestamps {
  /** The PostgreSQL epoch. */
  public static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");

  private PgTimestamps() {}

  /** The instant of a protocol timestamp. */
  public static Instant toInstant(long microsSince2000) {
    return EPOCH.plus(microsSince2000, ChronoUnit.MICROS);
  }

  /** The protocol timestamp of an instant (truncated to microseconds). */
  public static long fromInstant(Instant instant) {
    return ChronoUnit.MICROS.between(EPOCH, instant);
  }
}
