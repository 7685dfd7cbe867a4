package org.pghardstorage.ejb.streamer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.storage.retry.RetryListener;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.pghardstorage.core.wal.StreamerStatus;
import org.pghardstorage.core.wal.WalStreamer;
import org.pghardstorage.ejb.deployment.Protected;

/**
 * One deployment's streamer on a managed thread. {@link WalStreamer} retries transient failures
 * itself; when it gives up (a failed preflight, an invalidated slot, a secret that does not
 * resolve) this restarts it after a jittered, growing backoff ({@link
 * RetryPolicy#STREAMER_RESTART}, the one backoff formula), so a fixed problem heals without an
 * operator.
 */
final class SupervisedStreamer {
  private static final Logger LOG = Logger.getLogger(SupervisedStreamer.class.getName());

  /** Where the supervisor records what happens. */
  interface Events {
    void record(String deployment, String kind, String severity, String message);
  }

  private final Protected target;
  private final Clock clock;
  private final RetryListener retries;
  private final Events events;
  private volatile WalStreamer current;
  private volatile boolean stopping;
  private volatile Future<?> future;
  private volatile StreamerStatus lastStatus;
  private volatile String lastError;
  private volatile long restarts;

  SupervisedStreamer(Protected target, Clock clock, RetryListener retries, Events events) {
    this.target = target;
    this.clock = clock;
    this.retries = retries;
    this.events = events;
  }

  void future(Future<?> f) {
    this.future = f;
  }

  boolean sameSettings(Protected p) {
    return target.equals(p);
  }

  /** Runs on the managed thread until {@link #stop}. */
  void superviseUntilStopped() {
    String name = target.deployment().name();
    RetryPolicy restart = RetryPolicy.STREAMER_RESTART;
    int retry = 1;
    while (!stopping) {
      try (OpenedRepository o = target.openForWal(retries)) {
        WalStreamer s = new WalStreamer(o.repository(), target.streamerConfig(), clock);
        current = s;
        if (stopping) {
          break;
        }
        s.run();
        lastStatus = s.status();
      } catch (RuntimeException e) {
        WalStreamer s = current;
        lastStatus = s != null ? s.status() : null;
        lastError = e.getMessage();
        restarts++;
        events.record(
            name,
            "streamer.failed",
            "error",
            "streamer failed: "
                + e.getMessage()
                + "; restarting in at most "
                + restart.ceiling(retry));
        LOG.log(Level.WARNING, "streamer of " + name + " failed", e);
      } finally {
        current = null;
      }
      if (!stopping) {
        sleep(restart.backoff(retry));
        retry = Math.min(retry + 1, 64);
      }
    }
  }

  /** Asks the streamer to flush and stop, and waits up to {@code limit} for it. */
  void stop(Duration limit) {
    stopping = true;
    WalStreamer s = current;
    if (s != null) {
      s.stop();
    }
    Future<?> f = future;
    if (f == null) {
      return;
    }
    try {
      f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "streamer of " + target.deployment() + " ended with an error", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The streamer's figures now, or the last known ones while it restarts. */
  StreamerStatus status() {
    WalStreamer s = current;
    if (s != null) {
      return s.status();
    }
    StreamerStatus last = lastStatus;
    if (last != null) {
      return last;
    }
    return new StreamerStatus(
        target.deployment().name(),
        target.slot(),
        stopping ? StreamerStatus.State.STOPPED : StreamerStatus.State.STARTING,
        null,
        Lsn.INVALID,
        Lsn.INVALID,
        Lsn.INVALID,
        0,
        0,
        null,
        lastError,
        restarts,
        0,
        java.util.List.of());
  }

  private void sleep(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    while (!stopping && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(500, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
