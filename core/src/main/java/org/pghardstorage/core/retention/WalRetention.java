package org.pghardstorage.core.retention;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.wal.TimelineHistory;

/**
 * Which WAL objects no kept backup needs. Let C be the segment number holding the earliest start
 * LSN of any kept backup. Nothing at or after C is ever deleted, on any timeline. Before C:
 *
 * <ul>
 *   <li>on the <em>chain</em> (the newest timeline and its ancestors, from the newest timeline's
 *       history file) every segment goes;
 *   <li>an abandoned timeline (not on the chain) goes whole if all its segments lie before C and it
 *       is not the highest timeline with segments; otherwise it is kept whole.
 * </ul>
 *
 * A history file goes only with an abandoned timeline that keeps no segment, if it is older than
 * the newest timeline and no remaining timeline descends from it. The newest timeline is the
 * highest one with segments or a history file, so a timeline the streamer has just switched to
 * (history file stored, no segment yet) is always on the chain.
 */
final class WalRetention {

  /**
   * The WAL part of a plan, and the exact objects to delete in order.
   *
   * @param plan the summary for the plan
   * @param segments segment names to delete, by timeline then name (oldest first)
   * @param histories timelines whose history files to delete, ascending
   */
  record Result(RetentionPlan.WalPlan plan, List<String> segments, List<Long> histories) {}

  /** One segment name on a timeline, its complete and partial objects together. */
  private record Stored(String name, Optional<Long> number, long bytes) {}

  private WalRetention() {}

  static Result plan(
      WalArchive archive, WalSegmentSize size, Lsn keepFrom, TimelineId keepFromTimeline) {
    long cut = keepFrom.segmentNumber(size);
    String keepFromSegment = WalSegmentName.of(keepFromTimeline, cut, size).toString();
    List<Long> withSegments = archive.listTimelines();
    List<Long> withHistory = archive.listHistories();
    TreeSet<Long> all = new TreeSet<>(withSegments);
    all.addAll(withHistory);
    if (all.isEmpty()) {
      return new Result(
          new RetentionPlan.WalPlan(
              keepFromSegment, keepFrom.toString(), List.of(), List.of(), 0, 0),
          List.of(),
          List.of());
    }
    long newest = all.last();
    Set<Long> chain = lineage(archive, newest);
    long highestWithSegments =
        withSegments.isEmpty() ? 0 : withSegments.get(withSegments.size() - 1);

    List<RetentionPlan.TimelineDeletion> deletions = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    Set<Long> remaining = new TreeSet<>();
    long count = 0;
    long bytes = 0;
    for (long tli : withSegments) {
      List<Stored> stored = stored(archive.listSegments(tli), size);
      boolean onChain = chain.contains(tli);
      List<Stored> doomed =
          onChain
              ? stored.stream().filter(s -> s.number().filter(n -> n < cut).isPresent()).toList()
              : wholeIfAllBefore(stored, cut, tli != highestWithSegments);
      if (doomed.size() < stored.size()) {
        remaining.add(tli);
      }
      if (doomed.isEmpty()) {
        continue;
      }
      long b = doomed.stream().mapToLong(Stored::bytes).sum();
      deletions.add(
          new RetentionPlan.TimelineDeletion(
              tli,
              !onChain,
              doomed.get(0).name(),
              doomed.get(doomed.size() - 1).name(),
              doomed.size(),
              b));
      doomed.forEach(s -> segments.add(s.name()));
      count += doomed.size();
      bytes += b;
    }
    List<Long> histories = histories(archive, withHistory, chain, remaining, newest);
    return new Result(
        new RetentionPlan.WalPlan(
            keepFromSegment, keepFrom.toString(), deletions, histories, count, bytes),
        segments,
        histories);
  }

  /** An abandoned timeline: all of it if every segment lies before the cut, else none of it. */
  private static List<Stored> wholeIfAllBefore(List<Stored> stored, long cut, boolean mayGo) {
    boolean allBefore = stored.stream().allMatch(s -> s.number().filter(n -> n < cut).isPresent());
    return mayGo && allBefore ? stored : List.of();
  }

  private static List<Long> histories(
      WalArchive archive,
      List<Long> withHistory,
      Set<Long> chain,
      Set<Long> remaining,
      long newest) {
    Set<Long> needed = new HashSet<>(chain);
    for (long tli : remaining) {
      needed.addAll(lineage(archive, tli));
    }
    List<Long> out = new ArrayList<>();
    for (long tli : withHistory) {
      if (!needed.contains(tli) && tli < newest) {
        out.add(tli);
      }
    }
    return out;
  }

  /** {@code tli} and its ancestors, per its history file (just itself if it has none). */
  private static Set<Long> lineage(WalArchive archive, long tli) {
    Set<Long> out = new HashSet<>();
    out.add(tli);
    Optional<byte[]> content = tli == 1 ? Optional.empty() : archive.getHistory(tli);
    if (content.isPresent()) {
      try {
        TimelineHistory.parse(TimelineId.of(tli), content.get())
            .entries()
            .forEach(e -> out.add(e.timeline().value()));
      } catch (IllegalArgumentException e) {
        TimelineId id = TimelineId.of(tli);
        throw new RepositoryCorruptException(
            "wal/" + archive.deployment() + "/history/" + id.historyFileName(), e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Segment names of one timeline in name order, with their number (empty if the name does not fit
   * the segment size: such an object is never deleted) and the size of both objects.
   */
  private static List<Stored> stored(List<WalEntry> entries, WalSegmentSize size) {
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (WalEntry e : entries) {
      bytes.merge(e.name(), e.storedSize(), Long::sum);
    }
    List<Stored> out = new ArrayList<>();
    bytes.forEach((name, b) -> out.add(new Stored(name, number(name, size), b)));
    return out;
  }

  private static Optional<Long> number(String name, WalSegmentSize size) {
    try {
      return Optional.of(WalSegmentName.parse(name, size).segmentNumber());
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not ours to judge: kept
    }
  }
}
