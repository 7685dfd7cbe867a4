package org.pghardstorage.core.wal;

import java.time.Instant;
import java.util.List;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * WAL for the receiver, resume, audit and backup tests: 1 MiB segments (the smallest PostgreSQL
 * allows) whose every byte is a function of its LSN and timeline, so a stored segment can be
 * compared with what the server sent.
 */
public final class WalFixtures {
  /** The deployment the tests stream into. */
  public static final Deployment DB = Deployment.of("db1");

  /** 1 MiB segments. */
  public static final WalSegmentSize SIZE = WalSegmentSize.ofBytes(1 << 20);

  /** Where the test clocks start. */
  public static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  private WalFixtures() {}

  /** A fresh repository in {@code store}. */
  public static Repository repository(ObjectStore store) {
    return Repository.init(store, RepositoryOptions.defaults(), OpenOptions.defaults());
  }

  /** The LSN {@code offset} bytes into segment number {@code segment}. */
  public static Lsn lsn(long segment, long offset) {
    return Lsn.of(segment * SIZE.bytes() + offset);
  }

  /** The name of segment number {@code segment} on {@code timeline}. */
  public static String segment(long timeline, long segment) {
    return WalSegmentName.of(TimelineId.of(timeline), segment, SIZE).toString();
  }

  /**
   * The WAL a server on {@code timeline} holds from {@code from} for {@code length} bytes. Bytes
   * before {@code branch} are the same on every timeline, as WAL before a switch point is.
   */
  public static byte[] wal(long timeline, Lsn branch, Lsn from, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      long at = from.value() + i;
      long tli = at < branch.value() ? 1 : timeline;
      long h = (at * 0x9E3779B97F4A7C15L) ^ (tli * 0xC2B2AE3D27D4EB4FL);
      out[i] = (byte) (h >>> 56);
    }
    return out;
  }

  /** The WAL of timeline 1 from {@code from} for {@code length} bytes. */
  public static byte[] wal(Lsn from, int length) {
    return wal(1, Lsn.of(Long.MAX_VALUE), from, length);
  }

  /**
   * The end of the WAL stored contiguously on {@code timeline} from {@code from}'s segment on: past
   * the last complete segment, or past the bytes of the partial that follows it.
   */
  public static Lsn durableEnd(WalArchive archive, long timeline, Lsn from) {
    List<WalEntry> entries = archive.listSegments(timeline);
    WalSegmentName next = WalSegmentName.of(TimelineId.of(timeline), from, SIZE);
    Lsn end = next.startLsn();
    for (WalEntry e : entries) {
      if (!e.name().equals(next.toString())) {
        continue;
      }
      if (!e.partial()) {
        end = next.endLsn();
        next = next.next();
      } else {
        byte[] partial = archive.getSegment(e.name()).orElseThrow().content();
        return next.startLsn().plus(partial.length);
      }
    }
    return end;
  }
}
