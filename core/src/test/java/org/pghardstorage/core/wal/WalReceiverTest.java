package org.pghardstorage.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.DB;
import static org.pghardstorage.core.wal.WalFixtures.SIZE;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.segment;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.pg.ReplicationSlot;
import org.pghardstorage.core.pg.ScriptedWalSender;
import org.pghardstorage.core.pg.ScriptedWalSender.StatusUpdate;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.repo.MutableClock;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * The receiver against a scripted walsender and an in-memory repository: segment cutting, partial
 * flushes on a hand-moved clock, timeline switches, and the promise that the flush position told to
 * PostgreSQL is never ahead of what the repository holds, checked at every status update.
 */
class WalReceiverTest {
  private static final String SLOT = "pg_hardstorage_db1";
  private static final TimelineId TLI1 = TimelineId.FIRST;
  private static final TimelineId TLI2 = TimelineId.of(2);
  private static final Lsn START = lsn(2, 0);
  private static final int SEGMENT = (int) SIZE.bytes();

  private final FaultInjectingObjectStore store =
      new FaultInjectingObjectStore(new MemoryObjectStore("receiver"));
  private final WalArchive archive = WalFixtures.repository(store).wal(DB);
  private final MutableClock clock = new MutableClock(WalFixtures.T0);
  private final Events events = new Events();
  private final List<String> violations = new ArrayList<>();

  /** What the receiver reported, and what it does on the way (move the clock, stop). */
  private final class Events implements WalReceiver.Listener {
    final List<Lsn> durable = new ArrayList<>();
    final List<String> segments = new ArrayList<>();
    final List<String> switches = new ArrayList<>();
    Duration perMessage = Duration.ZERO;
    Lsn stopWhenReceived;
    Lsn stopWhenDurable;
    WalReceiver receiver;

    @Override
    public void durable(Lsn lsn, TimelineId timeline) {
      durable.add(lsn);
      if (lsn.equals(stopWhenDurable)) {
        receiver.requestStop();
      }
    }

    @Override
    public void received(Lsn receivedUpTo, Lsn serverEnd, Instant sendTime) {
      clock.advance(perMessage);
      if (receivedUpTo.equals(stopWhenReceived)) {
        receiver.requestStop();
      }
    }

    @Override
    public void segmentStored(WalSegmentName segment) {
      segments.add(segment.toString());
    }

    @Override
    public void timelineSwitched(TimelineId next, Lsn switchLsn) {
      switches.add(next.value() + "@" + switchLsn);
    }
  }

  /** Whether the receiver stores on a thread of its own; the scripted tests store inline. */
  private boolean storeAhead;

  private WalReceiver.Options options(Duration flush, Duration grace) {
    return new WalReceiver.Options(
        Optional.of(SLOT), flush, Duration.ofSeconds(10), grace, true, storeAhead);
  }

  /** A walsender that checks every flush position against what is durable when it is sent. */
  private ScriptedWalSender walsender(Supplier<Lsn> durableNow) {
    return ScriptedWalSender.script()
        .onStatus(
            s -> {
              Lsn durable = durableNow.get();
              if (s.flush().isAfter(durable)) {
                violations.add("flush " + s.flush() + " reported with " + durable + " durable");
              }
            });
  }

  private ScriptedWalSender walsender() {
    return walsender(() -> WalFixtures.durableEnd(archive, 1, START));
  }

  /**
   * XLogData for timeline 1's WAL from {@code from} to {@code to}, {@code chunk} bytes at most
   * each; the server's end of WAL is {@code serverEnd}, or the message's own end if that is {@link
   * Lsn#INVALID} (the server sends WAL as it is written: nothing to catch up).
   */
  private static ScriptedWalSender send(
      ScriptedWalSender s, Lsn from, Lsn to, int chunk, Lsn serverEnd) {
    return send(s, 1, Lsn.of(Long.MAX_VALUE), from, to, chunk, serverEnd);
  }

  private static ScriptedWalSender send(
      ScriptedWalSender s, long tli, Lsn branch, Lsn from, Lsn to, int chunk, Lsn serverEnd) {
    for (Lsn at = from; at.isBefore(to); at = at.plus(Math.min(chunk, to.minus(at)))) {
      int n = (int) Math.min(chunk, to.minus(at));
      s.wal(at, wal(tli, branch, at, n), serverEnd.isValid() ? serverEnd : at.plus(n));
    }
    return s;
  }

  private WalReceiver receiver(ReplicationConnection c, WalReceiver.Options options) {
    WalReceiver r = new WalReceiver(c, archive, SIZE, options, events, clock);
    events.receiver = r;
    return r;
  }

  /**
   * Ends the script waiting for the client to stop, and streams until WAL up to {@code stop} is
   * durable.
   */
  private WalReceiver.Result runUntil(
      ScriptedWalSender s, Lsn stop, Lsn start, TimelineId tli, Optional<byte[]> prefill) {
    s.whenClientEndsStreaming();
    WalReceiver r = receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO));
    r.stopAt(stop);
    return r.run(start, tli, prefill);
  }

  private static String startReplication(String lsn, long tli) {
    return "START_REPLICATION SLOT " + SLOT + " PHYSICAL " + lsn + " TIMELINE " + tli;
  }

  private List<String> stored(long tli) {
    return archive.listSegments(tli).stream()
        .map(e -> e.name() + (e.partial() ? ".partial" : ""))
        .toList();
  }

  private byte[] content(String segment) {
    return archive.getSegment(segment).orElseThrow().content();
  }

  private static List<Lsn> flushes(ScriptedWalSender s) {
    return s.statusUpdates().stream().map(StatusUpdate::flush).toList();
  }

  @Test
  void cutsWalIntoSegmentsAtTheirBoundariesAndStoresEachWhole() {
    Lsn end = lsn(4, 0x40000);
    ScriptedWalSender s = send(walsender().streaming(), START, end, 0xC0000, Lsn.INVALID);
    WalReceiver.Result result = runUntil(s, end, START, TLI1, Optional.empty());

    assertThat(result).isEqualTo(new WalReceiver.Result(end, TLI1));
    assertThat(s.commands()).containsExactly(startReplication("0/200000", 1));
    assertThat(stored(1)).containsExactly(segment(1, 2), segment(1, 3), segment(1, 4) + ".partial");
    assertThat(content(segment(1, 2))).isEqualTo(wal(lsn(2, 0), SEGMENT));
    assertThat(content(segment(1, 3))).isEqualTo(wal(lsn(3, 0), SEGMENT));
    assertThat(content(segment(1, 4))).isEqualTo(wal(lsn(4, 0), 0x40000));
    assertThat(events.segments).containsExactly(segment(1, 2), segment(1, 3));
    // a streamer promises, before any WAL, that the archive holds everything from its start on
    assertThat(archive.listCoverage())
        .containsExactly(new WalArchive.Coverage(segment(1, 2), Optional.empty()));
    assertThat(events.durable).containsExactly(lsn(3, 0), lsn(4, 0), end);
    assertThat(flushes(s)).containsExactly(START, lsn(3, 0), lsn(4, 0), end);
    assertThat(s.statusUpdates())
        .allSatisfy(u -> assertThat(u.write()).isGreaterThanOrEqualTo(u.flush()));
    assertThat(violations).isEmpty();
  }

  @Test
  void writesThePartialOncePerFlushIntervalWhileWalTricklesAndWhileTheServerIsQuiet() {
    Lsn end = lsn(2, 10 * 0x10000);
    ScriptedWalSender s = send(walsender().streaming(), START, end, 0x10000, Lsn.INVALID);
    s.whenClientEndsStreaming().onQuiet(() -> clock.advance(Duration.ofMillis(300)));
    events.perMessage = Duration.ofMillis(400); // ten messages over four seconds
    events.stopWhenDurable = end;

    receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO))
        .run(START, TLI1, Optional.empty());

    // flushed at 1.2 s, 2.4 s and 3.6 s while WAL arrives, then at 4.6 s with the server quiet
    assertThat(events.durable)
        .containsExactly(lsn(2, 3 * 0x10000), lsn(2, 6 * 0x10000), lsn(2, 9 * 0x10000), end);
    assertThat(store.calls(StorageOperation.PUT)).isEqualTo(4);
    assertThat(stored(1)).containsExactly(segment(1, 2) + ".partial");
    assertThat(content(segment(1, 2))).isEqualTo(wal(START, 10 * 0x10000));
    assertThat(flushes(s))
        .containsSubsequence(START, lsn(2, 3 * 0x10000), end)
        .last()
        .isEqualTo(end);
    assertThat(violations).isEmpty();
  }

  @Test
  void flushesThePartialEveryIntervalAlsoWhileABacklogIsDrained() {
    // The server's end lies segments ahead (a backlog is drained), yet WAL arriving slower than a
    // segment per flush interval is made durable every interval: no flush waits past it.
    Lsn end = lsn(2, 12 * 0x10000);
    ScriptedWalSender s = send(walsender().streaming(), START, end, 0x10000, lsn(9, 0));
    s.whenClientEndsStreaming();
    events.perMessage = Duration.ofSeconds(1);
    events.stopWhenReceived = end;

    receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO))
        .run(START, TLI1, Optional.empty());

    assertThat(events.durable)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 12).mapToObj(i -> lsn(2, i * 0x10000)).toList());
    assertThat(flushes(s)).last().isEqualTo(end);
    assertThat(violations).isEmpty();
  }

  /**
   * Streams timeline 1 from 2/0 to 3/0x80000, half a segment a second (a partial flush after each
   * message), with call {@code nth} from now of {@code op} failing, and expects the run to fail.
   */
  private ScriptedWalSender streamUntilTheStoreFails(
      StorageOperation op, int nth, boolean applied) {
    ScriptedWalSender s =
        send(walsender().streaming(), START, lsn(3, 0x80000), 0x80000, Lsn.INVALID);
    s.whenClientEndsStreaming();
    events.perMessage = Duration.ofSeconds(1);
    int call = store.calls(op) + nth;
    if (applied) {
      store.failCallAfterApplying(op, call, FaultInjectingObjectStore.unavailable("lost answer"));
    } else {
      store.failCall(op, call, FaultInjectingObjectStore.unavailable("store down"));
    }
    WalReceiver r = receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO));
    assertThatThrownBy(() -> r.run(START, TLI1, Optional.empty()))
        .isInstanceOf(StorageUnavailableException.class);
    return s;
  }

  @Test
  void aFailedPartialWriteConfirmsNothingPastWhatIsStored() {
    // the first partial (segment 2) is written, the second one (segment 3) fails
    ScriptedWalSender s = streamUntilTheStoreFails(StorageOperation.PUT, 2, false);

    assertThat(events.durable).containsExactly(lsn(2, 0x80000), lsn(3, 0));
    assertThat(flushes(s)).last().isEqualTo(lsn(3, 0));
    assertThat(stored(1)).containsExactly(segment(1, 2));
    assertThat(violations).isEmpty();
  }

  @Test
  void storingAheadStoresTheSameObjectsInOrderAndConfirmsOnlyWhatIsStored() {
    storeAhead = true;
    Lsn end = lsn(5, 0x40000);
    ScriptedWalSender s = send(walsender().streaming(), START, end, 0xC0000, Lsn.INVALID);
    WalReceiver.Result result = runUntil(s, end, START, TLI1, Optional.empty());

    assertThat(result).isEqualTo(new WalReceiver.Result(end, TLI1));
    assertThat(stored(1))
        .containsExactly(segment(1, 2), segment(1, 3), segment(1, 4), segment(1, 5) + ".partial");
    for (int i = 2; i <= 4; i++) {
      assertThat(content(segment(1, i))).isEqualTo(wal(lsn(i, 0), SEGMENT));
    }
    assertThat(content(segment(1, 5))).isEqualTo(wal(lsn(5, 0), 0x40000));
    assertThat(events.segments).containsExactly(segment(1, 2), segment(1, 3), segment(1, 4));
    assertThat(events.durable).containsExactly(lsn(3, 0), lsn(4, 0), lsn(5, 0), end);
    assertThat(flushes(s)).isSorted().last().isEqualTo(end);
    assertThat(violations).isEmpty();
  }

  @Test
  void storingAheadAFailedSegmentWriteFailsTheRunAndNothingAfterItIsStored() {
    storeAhead = true;
    // the partial of segment 2 is stored, segment 2 itself fails, the partial of 3 must not follow
    ScriptedWalSender s = streamUntilTheStoreFails(StorageOperation.PUT_IF_ABSENT, 2, false);

    assertThat(stored(1)).containsExactly(segment(1, 2) + ".partial");
    assertThat(events.durable).isSubsetOf(lsn(2, 0x80000));
    assertThat(flushes(s)).allSatisfy(f -> assertThat(f).isLessThanOrEqualTo(lsn(2, 0x80000)));
    assertThat(violations).isEmpty();
  }

  @Test
  void aFailedSegmentWriteConfirmsNothingPastThePartialBeforeIt() {
    // the first create is the coverage record, the second the segment
    ScriptedWalSender s = streamUntilTheStoreFails(StorageOperation.PUT_IF_ABSENT, 2, false);

    assertThat(events.durable).containsExactly(lsn(2, 0x80000));
    assertThat(flushes(s)).last().isEqualTo(lsn(2, 0x80000));
    assertThat(stored(1)).containsExactly(segment(1, 2) + ".partial");
    assertThat(violations).isEmpty();
  }

  @Test
  void aSegmentWriteWhoseAnswerIsLostIsResumedWithoutCorruptingTheNextSegment() {
    // The segment reaches the store but its answer is lost: the receiver fails before deleting
    // the partial, so both objects stay. The streamer's next session must resume after the
    // complete segment and store the next one with its own bytes.
    ScriptedWalSender first = streamUntilTheStoreFails(StorageOperation.PUT_IF_ABSENT, 2, true);
    assertThat(stored(1)).containsExactly(segment(1, 2), segment(1, 2) + ".partial");
    Lsn confirmed = flushes(first).get(flushes(first).size() - 1);
    assertThat(confirmed).isEqualTo(lsn(2, 0x80000));

    ReplicationSlot slot =
        new ReplicationSlot(SLOT, "physical", Optional.of(confirmed), Optional.of(TLI1));
    ResumePoint from =
        ResumePoint.find(
            archive,
            SIZE,
            TLI1,
            slot,
            tli -> {
              throw new AssertionError("no history needed");
            });
    ScriptedWalSender second =
        send(walsender().streaming(), lsn(3, 0), lsn(4, 0), 0x80000, Lsn.INVALID);
    runUntil(second, lsn(4, 0), from.start(), from.timeline(), from.prefill());

    assertThat(violations).isEmpty();
    assertThat(second.commands()).containsExactly(startReplication("0/300000", 1));
    assertThat(content(segment(1, 3))).isEqualTo(wal(lsn(3, 0), SEGMENT));
  }

  @Test
  void resumesAStoredPartialAndStoresTheSegmentWhole() {
    Lsn at = lsn(2, 0x1234);
    byte[] prefill = wal(START, 0x1234);
    archive.putPartial(segment(1, 2), prefill);
    ScriptedWalSender s = send(walsender().streaming(), at, lsn(3, 0), 0x80000, Lsn.INVALID);
    WalReceiver.Result result = runUntil(s, lsn(3, 0), at, TLI1, Optional.of(prefill));

    assertThat(result.durable()).isEqualTo(lsn(3, 0));
    assertThat(s.commands()).containsExactly(startReplication("0/201234", 1));
    assertThat(stored(1)).containsExactly(segment(1, 2));
    assertThat(content(segment(1, 2))).isEqualTo(wal(START, SEGMENT));
    assertThat(flushes(s)).first().isEqualTo(at);
    assertThat(violations).isEmpty();
  }

  @Test
  void refusesWalThatDoesNotContinueTheSegment() {
    ScriptedWalSender s = walsender().streaming();
    send(s, START, lsn(2, 0x100), 0x100, Lsn.INVALID);
    send(s, lsn(2, 0x200), lsn(2, 0x300), 0x100, Lsn.INVALID); // 0x100..0x200 never arrives
    s.whenClientEndsStreaming();
    events.perMessage = Duration.ofSeconds(1);
    WalReceiver r = receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO));

    assertThatThrownBy(() -> r.run(START, TLI1, Optional.empty()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("wal.gap"))
        .hasMessageContaining(lsn(2, 0x200).toString())
        .hasMessageContaining(segment(1, 2));

    assertThat(content(segment(1, 2))).isEqualTo(wal(START, 0x100));
    assertThat(flushes(s)).last().isEqualTo(lsn(2, 0x100));
    assertThat(violations).isEmpty();
  }

  @Test
  void aStreamThatBreaksKeepsWhatIsDurableAndConfirmsNothingMore() {
    ScriptedWalSender s =
        send(walsender().streaming(), START, lsn(3, 0x40000), 0x40000, Lsn.INVALID);
    // no more script: the server closes the connection in the middle of segment 3
    events.perMessage = Duration.ofMillis(600);
    WalReceiver r = receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO));

    assertThatThrownBy(() -> r.run(START, TLI1, Optional.empty()))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.connection_lost"));

    Lsn durable = WalFixtures.durableEnd(archive, 1, START);
    assertThat(durable).isEqualTo(events.durable.get(events.durable.size() - 1));
    assertThat(flushes(s)).allSatisfy(f -> assertThat(f).isLessThanOrEqualTo(durable));
    assertThat(violations).isEmpty();
  }

  @Test
  void answersAKeepaliveWithWhatIsDurableNotWhatIsReceived() {
    ScriptedWalSender s =
        send(walsender().streaming(), START, lsn(2, 0x80000), 0x80000, Lsn.INVALID);
    s.keepalive(lsn(2, 0x80000), true).whenClientEndsStreaming();
    WalReceiver r = receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ZERO));
    s.onQuiet(r::requestStop);

    r.run(START, TLI1, Optional.empty());

    List<StatusUpdate> updates = s.statusUpdates();
    // the session's first status, the answer to the keepalive, the last status after the stop
    assertThat(updates).hasSize(3);
    assertThat(updates.get(1).write()).isEqualTo(lsn(2, 0x80000));
    assertThat(updates.get(1).flush()).isEqualTo(START);
    assertThat(updates.get(1).apply()).isEqualTo(START);
    assertThat(updates.get(2).flush()).isEqualTo(lsn(2, 0x80000));
    assertThat(violations).isEmpty();
  }

  @Test
  void waitsForTheStopSegmentToCompleteWithinTheGrace() {
    Lsn stop = lsn(2, 0x80000);
    ScriptedWalSender s = send(walsender().streaming(), START, lsn(3, 0), 0x80000, Lsn.INVALID);
    s.whenClientEndsStreaming();
    WalReceiver r = receiver(s.connect(), options(Duration.ofSeconds(1), Duration.ofSeconds(10)));
    r.stopAt(stop);

    WalReceiver.Result result = r.run(START, TLI1, Optional.empty());

    assertThat(result.durable()).isEqualTo(lsn(3, 0));
    assertThat(stored(1)).containsExactly(segment(1, 2));
    assertThat(store.calls(StorageOperation.PUT)).isZero(); // segment 2 never went partial
    assertThat(violations).isEmpty();
  }

  @Test
  void storesTheStopSegmentAsPartialOnceTheGraceIsOver() {
    Lsn stop = lsn(2, 0x80000);
    ScriptedWalSender s = send(walsender().streaming(), START, stop, 0x80000, Lsn.INVALID);
    s.whenClientEndsStreaming().onQuiet(() -> clock.advance(Duration.ofMillis(500)));
    WalReceiver r = receiver(s.connect(), options(Duration.ofHours(1), Duration.ofSeconds(10)));
    r.stopAt(stop);

    WalReceiver.Result result = r.run(START, TLI1, Optional.empty());

    assertThat(result.durable()).isEqualTo(stop);
    assertThat(stored(1)).containsExactly(segment(1, 2) + ".partial");
    assertThat(clock.instant()).isAfterOrEqualTo(WalFixtures.T0.plusSeconds(10));
    assertThat(violations).isEmpty();
  }

  /** Timeline 2 branched off timeline 1 here; the stream switches mid-segment. */
  private static final Lsn SWITCH = lsn(3, 0x40000);

  private static final String HISTORY_2 = "1\t0/340000\tno recovery target specified\n";

  @Test
  void followsATimelineSwitchMidSegmentKeepingTheOldTimelinesLastSegmentPartial() {
    Lsn end = lsn(3, 0x80000);
    ScriptedWalSender s = switchingWalsender(lsn(3, 0));
    send(s.streaming(), START, SWITCH, 0xC0000, lsn(9, 0));
    s.endOfTimeline(2, SWITCH).timelineHistory(2, HISTORY_2).streaming();
    send(s, 2, SWITCH, lsn(3, 0), end, 0x80000, Lsn.INVALID);
    WalReceiver.Result result = runUntil(s, end, START, TLI1, Optional.empty());

    assertThat(result).isEqualTo(new WalReceiver.Result(end, TLI2));
    assertThat(s.commands())
        .containsExactly(
            startReplication("0/200000", 1), "TIMELINE_HISTORY 2", startReplication("0/300000", 2));
    assertThat(stored(1)).containsExactly(segment(1, 2), segment(1, 3) + ".partial");
    assertThat(content(segment(1, 3))).isEqualTo(wal(lsn(3, 0), 0x40000));
    assertThat(archive.getHistory(2))
        .hasValueSatisfying(
            h -> assertThat(new String(h, StandardCharsets.UTF_8)).isEqualTo(HISTORY_2));
    assertThat(stored(2)).containsExactly(segment(2, 3) + ".partial");
    assertThat(content(segment(2, 3))).isEqualTo(wal(2, SWITCH, lsn(3, 0), 0x80000));
    assertThat(events.switches).containsExactly("2@" + SWITCH);
    assertThat(violations).isEmpty();
  }

  @Test
  void aSwitchAtASegmentBoundaryLeavesTheOldTimelineComplete() {
    Lsn boundary = lsn(3, 0);
    Lsn end = lsn(3, 0x100);
    ScriptedWalSender s = switchingWalsender(boundary);
    send(s.streaming(), START, boundary, 0x80000, Lsn.INVALID);
    s.endOfTimeline(2, boundary)
        .timelineHistory(2, "1\t0/300000\tno recovery target specified\n")
        .streaming();
    send(s, 2, boundary, boundary, end, 0x80000, Lsn.INVALID);
    runUntil(s, end, START, TLI1, Optional.empty());

    assertThat(s.commands()).last().isEqualTo(startReplication("0/300000", 2));
    assertThat(stored(1)).containsExactly(segment(1, 2));
    assertThat(stored(2)).containsExactly(segment(2, 3) + ".partial");
    assertThat(violations).isEmpty();
  }

  @Test
  void startingOnALaterTimelineStoresItsHistoryFirst() {
    ScriptedWalSender s =
        walsender(() -> WalFixtures.durableEnd(archive, 2, lsn(3, 0)))
            .timelineHistory(2, HISTORY_2)
            .streaming();
    send(s, 2, SWITCH, lsn(4, 0), lsn(4, 0x100), 0x100, Lsn.INVALID);
    runUntil(s, lsn(4, 0x100), lsn(4, 0), TLI2, Optional.empty());

    assertThat(s.commands()).first().isEqualTo("TIMELINE_HISTORY 2");
    assertThat(archive.getHistory(2)).isPresent();
    assertThat(stored(2)).containsExactly(segment(2, 4) + ".partial");
  }

  /**
   * A walsender whose checks count WAL durable on timeline 1 from {@link #START}, and on timeline 2
   * from the segment of the switch, {@code switchSegment}, on.
   */
  private ScriptedWalSender switchingWalsender(Lsn switchSegment) {
    return walsender(
        () -> {
          Lsn one = WalFixtures.durableEnd(archive, 1, START);
          Lsn two = WalFixtures.durableEnd(archive, 2, switchSegment);
          return one.isBefore(two) ? two : one;
        });
  }
}
