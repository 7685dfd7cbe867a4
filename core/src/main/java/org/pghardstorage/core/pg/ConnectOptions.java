package org.pghardstorage.core.pg;

import java.time.Duration;
import java.util.Objects;

/**
 * How to open a {@link PgConnection}, beyond what the connection string says.
 *
 * @param replicationMode which kind of session to ask for
 * @param readTimeout how long a read may wait for the server before failing with {@code
 *     pg.timeout}; {@link Duration#ZERO} waits forever. For replication streams choose more than
 *     half of the server's {@code wal_sender_timeout}, since keepalives arrive at that interval.
 * @param fallbackApplicationName the application_name used when the connection string sets none
 */
public record ConnectOptions(
    ReplicationMode replicationMode, Duration readTimeout, String fallbackApplicationName) {
  /** Validates the options. */
  public ConnectOptions {
    Objects.requireNonNull(replicationMode, "replicationMode");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(fallbackApplicationName, "fallbackApplicationName");
    if (readTimeout.isNegative()) {
      throw new IllegalArgumentException("read timeout must not be negative: " + readTimeout);
    }
  }

  /** A plain SQL session with a five-minute read timeout. */
  public static ConnectOptions sql() {
    return new ConnectOptions(ReplicationMode.NONE, Duration.ofMinutes(5), "pg_hardstorage");
  }

  /** A {@code replication=database} session with a five-minute read timeout. */
  public static ConnectOptions replication() {
    return new ConnectOptions(ReplicationMode.DATABASE, Duration.ofMinutes(5), "pg_hardstorage");
  }

  /** A copy with another read timeout. */
  public ConnectOptions withReadTimeout(Duration timeout) {
    return new ConnectOptions(replicationMode, timeout, fallbackApplicationName);
  }

  /** A copy with another replication mode. */
  public ConnectOptions withReplicationMode(ReplicationMode mode) {
    return new ConnectOptions(mode, readTimeout, fallbackApplicationName);
  }

  /** A copy with another fallback application name. */
  public ConnectOptions withFallbackApplicationName(String name) {
    return new ConnectOptions(replicationMode, readTimeout, name);
  }
}
