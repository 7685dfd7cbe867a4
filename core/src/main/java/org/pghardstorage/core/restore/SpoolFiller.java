package org.pghardstorage.core.restore;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;

/**
 * The background fetcher's work: keeps a {@link WalSpool} filled ahead of a recovery with complete
 * segments, in order from where recovery is, in parallel and within {@link Limits}, and keeps the
 * repository's negative answers and its partial segment there as long as they hold.
 *
 * <p>Recovery's position is learnt from the segments it takes out of the spool and from the hints
 * of foreground {@code wal fetch} calls ({@link WalSpool#takeHint()}). The window stops at the
 * first segment that is not a complete one (the end of the archive, a partial segment, an error):
 * that one is asked again every {@link Limits#recheck()}. Its answer is cached only as the
 * repository stated it: absent (with the reason), or the partial segment as it holds it now,
 * zero-padded; any error is left to the foreground call ({@link WalSpool#askJava}), which gets the
 * real answer. A cached answer not confirmed within three rechecks (a storage call hangs) is
 * withdrawn. Timeline history files that exist are left to the foreground too.
 *
 * <p>One thread drives it ({@link #run()} or, in tests, {@link #step()}); fetches run on its own
 * named pool.
 */
public final class SpoolFiller implements AutoCloseable {
  /**
   * How far ahead, and how.
   *
   * @param segments at most this many segments in the spool and in flight together
   * @param bytes at most this many bytes of them
   * @param threads parallel fetches
   * @param recheck how often a negative answer or a stop is asked again
   * @param idle stop after this long without recovery taking a segment or asking the foreground
   */
  public record Limits(int segments, long bytes, int threads, Duration recheck, Duration idle) {
    /** Validates the limits. */
    public Limits {
      if (segments < 1 || bytes < 1 || threads < 1) {
        throw new IllegalArgumentException(
            "spool limits must be positive: segments "
                + segments
                + ", bytes "
                + bytes
                + ", threads "
                + threads);
      }
      Objects.requireNonNull(recheck, "recheck");
      Objects.requireNonNull(idle, "idle");
    }
  }

  /** Why the filler stopped. */
  public enum Outcome {
    /** Recovery is over (or the server is gone): the spool should be removed. */
    RECOVERY_ENDED,
    /** The spool was removed or taken for another identity: nothing of it is ours. */
    SPOOL_LOST,
    /** Nothing happened for {@link Limits#idle()}. */
    IDLE
  }

  private static final long POLL_MILLIS = 25;

  private final Repository repo;
  private final Deployment deployment;
  private final WalSpool spool;
  private final Limits limits;
  private final BooleanSupplier recoveryGoesOn;
  private final LongSupplier nanos;
  private final Consumer<String> log;
  private final ExecutorService pool;

  private final Map<String, Future<WalFetcher.Answer>> ahead = new TreeMap<>();
  private final Map<String, Future<WalFetcher.Answer>> checks = new HashMap<>();
  private final Map<String, Long> askedAt = new HashMap<>();
  private final Map<String, Long> absentSince = new TreeMap<>();
  private final Map<String, String> reasons = new HashMap<>();
  private final Map<String, Long> partialSince = new TreeMap<>();
  private final Map<String, Long> partialCrc = new HashMap<>();
  private final Set<String> histories = new TreeSet<>();
  private final Set<String> published = new TreeSet<>();
  private WalSegmentSize size;
  private WalSegmentName next;
  private String blocked;
  private long lastActivity;

  /**
   * A filler of {@code spool} with {@code deployment}'s WAL from {@code repo}.
   *
   * @param recoveryGoesOn false once recovery has ended or its server is gone
   * @param nanos a monotonic clock ({@code System::nanoTime})
   * @param log one line per event worth a look (errors included)
   */
  public SpoolFiller(
      Repository repo,
      Deployment deployment,
      WalSpool spool,
      Limits limits,
      BooleanSupplier recoveryGoesOn,
      LongSupplier nanos,
      Consumer<String> log)
      throws IOException {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.spool = Objects.requireNonNull(spool, "spool");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.recoveryGoesOn = Objects.requireNonNull(recoveryGoesOn, "recoveryGoesOn");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.log = Objects.requireNonNull(log, "log");
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            limits.threads(),
            r -> {
              Thread t = new Thread(r, "pghs-spool-fetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.published.addAll(spool.segments());
    this.lastActivity = nanos.getAsLong();
  }

  /**
   * Where to begin: {@code requested} is the file the call that started the fetcher asked for (the
   * foreground call answers it; the filler starts after it), {@code recoveryStart} the segment the
   * data directory's {@code backup_label} names, used when the first request is a history probe.
   */
  public void begin(String requested, Optional<String> recoveryStart) throws IOException {
    if (WalSegmentName.looksLikeSegmentName(requested)) {
      recoveryAsked(requested);
      return;
    }
    recoveryAsked(requested);
    if (recoveryStart.isPresent() && ensureSize()) {
      WalSegmentName start = WalSegmentName.parse(recoveryStart.get(), size);
      next = start;
      watchNextTimeline(start.timeline());
    }
  }

  /** Fills until recovery ends, the spool is lost, or nothing happens for the idle time. */
  public Outcome run() throws IOException, InterruptedException {
    while (true) {
      Optional<Outcome> done = step();
      if (done.isPresent()) {
        return done.get();
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * One round: notice where recovery is, hand over finished fetches, ask again what is due, start
   * fetches up to the limits. Returns why to stop, if it is time to.
   */
  public Optional<Outcome> step() throws IOException {
    if (!recoveryGoesOn.getAsBoolean()) {
      return Optional.of(Outcome.RECOVERY_ENDED);
    }
    if (!spool.stillOurs()) {
      return Optional.of(Outcome.SPOOL_LOST);
    }
    try {
      Optional<String> hint = spool.takeHint();
      if (hint.isPresent()) {
        recoveryAsked(hint.get());
      }
      noticeTaken();
      collect(ahead, false);
      collect(checks, true);
      recheckDue();
      fillWindow();
    } catch (IOException e) {
      if (!spool.stillOurs()) {
        return Optional.of(Outcome.SPOOL_LOST);
      }
      throw e;
    }
    if (nanos.getAsLong() - lastActivity > limits.idle().toNanos()) {
      return Optional.of(Outcome.IDLE);
    }
    return Optional.empty();
  }

  /** Waits for every fetch in flight and hands the results over (for tests). */
  void drain() throws IOException {
    for (Future<WalFetcher.Answer> f : new ArrayList<>(ahead.values())) {
      waitFor(f);
    }
    for (Future<WalFetcher.Answer> f : new ArrayList<>(checks.values())) {
      waitFor(f);
    }
    collect(ahead, false);
    collect(checks, true);
  }

  private static void waitFor(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // handed over by collect
    }
  }

  /**
   * Recovery asked a foreground call for {@code file}: fetch from there on, drop what it passed.
   */
  private void recoveryAsked(String file) throws IOException {
    lastActivity = nanos.getAsLong();
    Optional<TimelineId> history = WalSpool.historyTimeline(file);
    if (history.isPresent()) {
      watch(file);
      return;
    }
    if (!ensureSize()) {
      return;
    }
    WalSegmentName asked = WalSegmentName.parse(file, size);
    for (String s : new ArrayList<>(published)) {
      WalSegmentName p = WalSegmentName.parse(s, size);
      if (!p.timeline().equals(asked.timeline()) || p.segmentNumber() < asked.segmentNumber()) {
        spool.deleteSegment(s);
        published.remove(s);
      }
    }
    if (next == null
        || !next.timeline().equals(asked.timeline())
        || asked.segmentNumber() >= next.segmentNumber()
        || (blocked != null && !blocked.equals(file))) {
      unblock();
      // from the asked one on: the launcher may be waiting for it
      next = asked;
    }
    watchNextTimeline(asked.timeline());
  }

  /**
   * PostgreSQL probes the history file of the timeline after the one it recovers (for a newer
   * timeline, and to pick its own when recovery ends), and then copies that of the one it recovers
   * (timeline 1 has none).
   */
  private void watchNextTimeline(TimelineId tli) {
    watch(TimelineId.of(tli.value() + 1).historyFileName());
    watch(tli.historyFileName());
  }

  private void watch(String history) {
    if (histories.add(history)) {
      askedAt.put(history, Long.MIN_VALUE);
    }
  }

  /** Segments that left the spool without us: recovery took them. Unknown ones are dropped. */
  private void noticeTaken() throws IOException {
    TreeSet<String> present = spool.segments();
    if (published.retainAll(present)) {
      lastActivity = nanos.getAsLong();
    }
    for (String s : present) {
      if (!published.contains(s)) {
        log.accept("removing " + s + " from the spool: this fetcher did not put it there");
        spool.deleteSegment(s);
      }
    }
  }

  private void collect(Map<String, Future<WalFetcher.Answer>> running, boolean recheck)
      throws IOException {
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Future<WalFetcher.Answer>> e = it.next();
      if (!e.getValue().isDone()) {
        continue;
      }
      it.remove();
      String name = e.getKey();
      try {
        handle(name, e.getValue().get());
      } catch (ExecutionException ex) {
        failed(name, ex.getCause());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
      if (recheck) {
        askedAt.put(name, nanos.getAsLong());
      }
    }
  }

  private void handle(String name, WalFetcher.Answer answer) throws IOException {
    if (answer instanceof WalFetcher.Found f) {
      withdrawAbsent(name);
      if (WalSpool.historyTimeline(name).isPresent()) {
        // an existing history file is answered by the foreground call; stop asking
        histories.remove(name);
        spool.askJava(name);
        return;
      }
      if (f.partial()) {
        if (blocked != null && !isBefore(name, blocked) && !name.equals(blocked)) {
          return;
        }
        stopAt(name);
        cachePartial(name, f.content());
        return;
      }
      withdrawPartial(name);
      try {
        spool.publishSegment(name, f.content(), size);
        published.add(name);
        spool.clearAskJava(name);
      } catch (IllegalArgumentException wrong) {
        log.accept("not spooling " + name + ": " + wrong.getMessage());
        spool.askJava(name);
        stopAt(name);
        return;
      }
      if (name.equals(blocked)) {
        blocked = null;
      }
      return;
    }
    WalFetcher.Absent a = (WalFetcher.Absent) answer;
    withdrawPartial(name);
    if (WalSpool.historyTimeline(name).isEmpty()) {
      if (blocked != null && !isBefore(name, blocked) && !name.equals(blocked)) {
        return;
      }
      stopAt(name);
    }
    spool.clearAskJava(name);
    if (!a.reason().equals(reasons.get(name)) || !absentSince.containsKey(name)) {
      // rewritten only when the statement changes: a confirmation alone writes nothing
      spool.publishAbsent(name, a.reason());
      reasons.put(name, a.reason());
    }
    absentSince.put(name, nanos.getAsLong());
  }

  /**
   * A partial segment as the repository holds it now: rewritten when it changed, else only
   * confirmed, like a negative answer.
   */
  private void cachePartial(String name, byte[] padded) throws IOException {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(padded);
    Long before = partialCrc.get(name);
    if (before == null || before != crc.getValue() || !partialSince.containsKey(name)) {
      try {
        spool.publishPartial(name, padded, size);
      } catch (IllegalArgumentException wrong) {
        log.accept("not spooling the partial " + name + ": " + wrong.getMessage());
        spool.askJava(name);
        return;
      }
      partialCrc.put(name, crc.getValue());
    }
    spool.clearAskJava(name);
    partialSince.put(name, nanos.getAsLong());
  }

  private void withdrawAbsent(String name) throws IOException {
    spool.withdrawAbsent(name);
    absentSince.remove(name);
  }

  private void withdrawPartial(String name) throws IOException {
    if (WalSpool.historyTimeline(name).isEmpty()) {
      spool.withdrawPartial(name);
    }
    partialSince.remove(name);
    partialCrc.remove(name);
  }

  private void failed(String name, Throwable cause) throws IOException {
    String why =
        cause instanceof HardstorageException h
            ? h.code() + ": " + h.getMessage()
            : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    log.accept("cannot fetch " + name + " (left to the foreground call): " + why);
    spool.askJava(name);
    withdrawAbsent(name);
    withdrawPartial(name);
    if (WalSpool.historyTimeline(name).isEmpty() && (blocked == null || isBefore(name, blocked))) {
      stopAt(name);
    }
  }

  /** The window stops before {@code name}; it is asked again every recheck. */
  private void stopAt(String name) throws IOException {
    if (blocked != null && !blocked.equals(name)) {
      withdrawAbsent(blocked);
      withdrawPartial(blocked);
    }
    blocked = name;
    askedAt.put(name, nanos.getAsLong());
    next = WalSegmentName.parse(name, size).next();
  }

  private void unblock() throws IOException {
    if (blocked != null) {
      withdrawAbsent(blocked);
      withdrawPartial(blocked);
      askedAt.remove(blocked);
      blocked = null;
    }
  }

  private static boolean isBefore(String a, String b) {
    return a.compareTo(b) < 0;
  }

  /** Asks again what is due, and withdraws negative answers that went unconfirmed too long. */
  private void recheckDue() throws IOException {
    long now = nanos.getAsLong();
    long every = limits.recheck().toNanos();
    for (var it = absentSince.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() > 3 * every) {
        log.accept("withdrawing the negative answer for " + e.getKey() + ": not confirmed lately");
        spool.withdrawAbsent(e.getKey());
        it.remove();
      }
    }
    for (var it = partialSince.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() > 3 * every) {
        log.accept("withdrawing the partial segment " + e.getKey() + ": not confirmed lately");
        spool.withdrawPartial(e.getKey());
        partialCrc.remove(e.getKey());
        it.remove();
      }
    }
    List<String> due = new ArrayList<>(histories);
    if (blocked != null) {
      due.add(blocked);
    }
    for (String name : due) {
      Long last = askedAt.get(name);
      boolean isDue = last == null || last == Long.MIN_VALUE || now - last >= every;
      if (isDue && !checks.containsKey(name) && !ahead.containsKey(name)) {
        if (WalSpool.historyTimeline(name).isEmpty() && !ensureSize()) {
          continue;
        }
        checks.put(name, submit(name));
      }
    }
  }

  private void fillWindow() throws IOException {
    if (next == null || !ensureSize()) {
      return;
    }
    while (blocked == null && ahead.size() < limits.threads()) {
      int held = published.size() + ahead.size();
      if (held >= limits.segments() || (held + 1) * size.bytes() > limits.bytes()) {
        return;
      }
      String name = next.toString();
      next = next.next();
      if (!published.contains(name) && !ahead.containsKey(name) && !checks.containsKey(name)) {
        ahead.put(name, submit(name));
      }
    }
  }

  private Future<WalFetcher.Answer> submit(String name) {
    return pool.submit(() -> new WalFetcher(repo, deployment).fetch(name));
  }

  /** Learns the segment size (from the newest backup manifest) if it is not known yet. */
  private boolean ensureSize() {
    if (size == null) {
      try {
        size = new WalFetcher(repo, deployment).segmentSize();
      } catch (HardstorageException e) {
        log.accept("cannot learn the WAL segment size: " + e.getMessage());
        return false;
      }
    }
    return true;
  }

  /** Stops the fetches in flight. */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        log.accept("fetches still running after 10 s; leaving them to the process exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
