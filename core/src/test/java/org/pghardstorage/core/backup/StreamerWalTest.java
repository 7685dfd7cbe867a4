package org.pghardstorage.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.SIZE;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.segment;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalFixtures;

/**
 * A backup waiting for the deployment's streamer: it may commit only once every segment from its
 * start to its end is in the repository, and otherwise fails without committing.
 */
class StreamerWalTest {
  private static final Lsn START = lsn(2, 0x28);
  private static final Lsn END = lsn(4, 0x100);

  private final WalArchive archive =
      WalFixtures.repository(new MemoryObjectStore("streamer-wal")).wal(WalFixtures.DB);

  /** A clock a minute further on at every reading: any deadline passes at its first check. */
  static Clock ticking() {
    AtomicLong minutes = new AtomicLong();
    InstantSource source = () -> WalFixtures.T0.plus(Duration.ofMinutes(minutes.getAndIncrement()));
    return source.withZone(ZoneOffset.UTC);
  }

  private StreamerWal source() {
    return new StreamerWal(archive, SIZE, TimelineId.FIRST, ticking());
  }

  private void complete(long from, long to) {
    for (long n = from; n <= to; n++) {
      archive.putSegment(segment(1, n), wal(lsn(n, 0), (int) SIZE.bytes()));
    }
  }

  @Test
  void theEndsSegmentStoredCompleteIsDurable() {
    complete(2, 4);

    assertThat(source().awaitDurable(START, END, Duration.ofSeconds(30))).isZero();
  }

  @Test
  void aPartialHoldingTheEndIsDurable() {
    complete(2, 3);
    archive.putPartial(segment(1, 4), wal(lsn(4, 0), 0x100));

    assertThat(source().awaitDurable(START, END, Duration.ofSeconds(30))).isZero();
  }

  @Test
  void anEndAtASegmentBoundaryNeedsNothingOfTheNextSegment() {
    complete(2, 3);

    assertThat(source().awaitDurable(START, lsn(4, 0), Duration.ofSeconds(30))).isZero();
  }

  @Test
  void aPartialShortOfTheEndIsNotDurable() {
    complete(2, 3);
    archive.putPartial(segment(1, 4), wal(lsn(4, 0), 0xFF));

    assertThatThrownBy(() -> source().awaitDurable(START, END, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("backup.wal_timeout"))
        .hasMessageContaining(END.toString())
        .hasMessageContaining("PT30S");
  }

  @Test
  void aHoleBetweenTheBackupsStartAndEndIsRefused() {
    // The streamer holds the end but resumed past WAL the server no longer had: the backup's own
    // WAL has a hole and it could never be restored.
    complete(2, 2);
    complete(4, 4);

    assertThatThrownBy(() -> source().awaitDurable(START, END, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("backup.wal_gap");
              assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
            })
        .hasMessageContaining(segment(1, 3));
  }

  @Test
  void theBackupsFirstSegmentMissingIsRefused() {
    complete(3, 4);

    assertThatThrownBy(() -> source().awaitDurable(START, END, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("backup.wal_gap"))
        .hasMessageContaining(segment(1, 2));
  }
}
