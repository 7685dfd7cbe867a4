package org.pghardstorage.core.backup;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.pg.ReplicationSlot;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.wal.WalReceiver;

/**
 * The WAL a backup fetches for itself when no streamer covers it: a temporary physical slot,
 * created before BASE_BACKUP starts so the server keeps every segment from the backup's checkpoint
 * on, and a {@link WalReceiver} on its own thread and connection. The slot disappears with the
 * connection.
 */
final class OwnWal implements WalSource {
  private final ReplicationConnection connection;
  private final RepositoryLock lock;
  private final WalReceiver receiver;
  private final Thread thread;
  private final AtomicInteger segments = new AtomicInteger();
  private volatile Lsn durable = Lsn.INVALID;
  private volatile Throwable failure;

  private OwnWal(
      ReplicationConnection connection,
      RepositoryLock lock,
      WalReceiver.Options options,
      Repository repository,
      BackupRequest request,
      WalSegmentSize segmentSize,
      Clock clock,
      Lsn start,
      TimelineId timeline) {
    this.connection = connection;
    this.lock = lock;
    WalReceiver.Listener listener =
        new WalReceiver.Listener() {
          @Override
          public void durable(Lsn lsn, TimelineId tli) {
            durable = lsn;
          }

          @Override
          public void segmentStored(WalSegmentName segment) {
            segments.incrementAndGet();
          }
        };
    this.receiver =
        new WalReceiver(
            connection,
            repository.wal(request.deployment()),
            segmentSize,
            options,
            listener,
            clock);
    this.thread =
        new Thread(
            () -> {
              try {
                receiver.run(start, timeline, Optional.empty());
              } catch (Throwable t) {
                failure = t;
              }
            },
            "pghs-backup-wal-" + request.deployment());
    thread.setDaemon(true);
  }

  static OwnWal start(
      ReplicationConnector connector,
      Repository repository,
      BackupRequest request,
      ConnectOptions options,
      TimelineId timeline,
      WalSegmentSize segmentSize,
      Clock clock) {
    RepositoryLock lock =
        repository.lock(LockKind.SHARED, "WAL for backup of " + request.deployment());
    ReplicationConnection c = null;
    try {
      c =
          connector.open(
              request.connInfo(), options.withFallbackApplicationName("pg_hardstorage backup wal"));
      byte[] random = new byte[6];
      ThreadLocalRandom.current().nextBytes(random);
      String slotName = "pghs_backup_" + HexFormat.of().formatHex(random);
      ReplicationSlot slot = c.createPhysicalSlot(slotName, true, true);
      Lsn restart =
          slot.restartLsn()
              .orElseThrow(
                  () ->
                      new HardstorageException(
                          "backup.slot_no_wal",
                          ExitCode.ERROR,
                          "temporary slot " + slotName + " reserved no WAL",
                          null));
      OwnWal wal =
          new OwnWal(
              c,
              lock,
              WalReceiver.Options.defaults(Optional.of(slotName)),
              repository,
              request,
              segmentSize,
              clock,
              restart,
              slot.restartTimeline().orElse(timeline));
      wal.thread.start();
      return wal;
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      }
      lock.close();
      throw e;
    }
  }

  /**
   * Waits until WAL up to {@code end} is durable in the repository and the receiver has stopped.
   * The receiver stores WAL without a hole from the slot's restart point, which the slot took
   * before the backup started: {@code start} is covered by construction.
   *
   * @return the number of complete segments stored
   */
  @Override
  public int awaitDurable(Lsn start, Lsn end, Duration timeout) {
    receiver.stopAt(end);
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HardstorageException(
          "backup.interrupted", ExitCode.ABORTED, "interrupted while waiting for WAL", null, e);
    }
    if (failure != null) {
      throw failure instanceof HardstorageException h
          ? h
          : new HardstorageException(
              "backup.wal_failed",
              ExitCode.ERROR,
              "receiving the backup's WAL failed: " + failure,
              null,
              failure);
    }
    if (thread.isAlive() || durable.isBefore(end)) {
      receiver.requestStop();
      throw new HardstorageException(
          "backup.wal_timeout",
          ExitCode.ERROR,
          "WAL up to the backup's end "
              + end
              + " was not durable within "
              + timeout
              + " (durable up to "
              + durable
              + ")",
          "check the server's WAL sender and the repository's write speed; the backup was not"
              + " committed");
    }
    lock.checkHeld();
    return segments.get();
  }

  @Override
  public void close() {
    try {
      if (thread.isAlive()) {
        receiver.requestStop();
        try {
          thread.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      try {
        connection.close();
      } finally {
        lock.close();
      }
    }
  }
}
