package org.pghardstorage.core.storage.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently something is tried again: the one backoff formula of pg_hardstorage.
 * {@link RetryingObjectStore} (storage), the WAL streamer (reconnecting), the server's supervisor
 * (restarting a streamer) and repository lock waits all wait by it. The wait before retry {@code n}
 * (1-based) has a ceiling of {@code min(maxBackoff, initialBackoff * 2^(n-1))} and is drawn
 * uniformly from the upper half of it ("equal jitter"): never zero, so a struggling backend gets
 * some rest, and spread out, so many clients that failed together do not retry together.
 *
 * @param maxAttempts calls in total, the first included; 1 disables retries
 * @param initialBackoff ceiling of the first wait
 * @param maxBackoff cap of every wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  /** Five attempts, waits from 100-200 ms up to 5-10 s: rides out about half a minute of outage. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));

  /** One attempt: errors reach the caller at once. */
  public static final RetryPolicy NO_RETRIES = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  /**
   * The server restarting a streamer that gave up: from 2.5-5 s up to 2.5-5 min, for as long as the
   * deployment is to be streamed.
   */
  public static final RetryPolicy STREAMER_RESTART =
      unbounded(Duration.ofSeconds(5), Duration.ofMinutes(5));

  /** Waiting for a repository lock another process holds: 1-2 s, then up to 2.5-5 s a try. */
  public static final RetryPolicy LOCK_WAIT =
      unbounded(Duration.ofSeconds(2), Duration.ofSeconds(5));

  /** Tries without a limit on their number; the caller decides when to stop. */
  public static RetryPolicy unbounded(Duration initialBackoff, Duration maxBackoff) {
    return new RetryPolicy(Integer.MAX_VALUE, initialBackoff, maxBackoff);
  }

  /**
   * @throws IllegalArgumentException naming the bad value and the rule it breaks
   */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "maxAttempts must be at least 1 (1 means no retries), was " + maxAttempts);
    }
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "initialBackoff must not be negative, was " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") must be at least initialBackoff ("
              + initialBackoff
              + ")");
    }
  }

  /** The longest wait before retry {@code retry} (1-based). */
  public Duration ceiling(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
    }
    Duration ceiling = initialBackoff;
    for (int i = 1; i < retry && ceiling.compareTo(maxBackoff) < 0; i++) {
      ceiling = ceiling.multipliedBy(2);
    }
    return ceiling.compareTo(maxBackoff) > 0 ? maxBackoff : ceiling;
  }

  /**
   * The wait before retry {@code retry}, for a {@code jitter} in {@code [0, 1)}: between half the
   * ceiling and the ceiling.
   */
  public Duration backoff(int retry, double jitter) {
    return jittered(retry, jitter);
  }

  /** The wait before retry {@code retry}, jittered by this thread's random numbers. */
  public Duration backoff(int retry) {
    return jittered(retry, java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  private Duration jittered(int retry, double jitter) {
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
    }
    long ceilingNanos = ceiling(retry).toNanos();
    long half = ceilingNanos / 2;
    return Duration.ofNanos(half + (long) ((ceilingNanos - half) * jitter));
  }
}
