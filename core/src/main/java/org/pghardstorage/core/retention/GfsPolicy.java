package org.pghardstorage.core.retention;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;

/**
 * Grandfather-father-son retention: how many hourly, daily, weekly, monthly and yearly backups to
 * keep.
 *
 * <p>Semantics, for each granularity with a count N &gt; 0: take the N most recent periods (UTC
 * hours, UTC days, ISO weeks, UTC months, UTC years; see {@link Granularity}) that contain at least
 * one backup, and keep the <em>newest</em> backup in each. Periods without a backup do not count,
 * so a gap (a week without backups) does not eat into the count. A backup kept by any rule is kept,
 * and the newest backup overall is always kept, whatever the counts. Every other backup is deleted.
 *
 * <p>A backup's time is the start time in its id ({@link BackupId#startTime()}, UTC, to the
 * second), and "newest" means the greatest id, which is time order (two backups started in the same
 * second are ordered by the random suffix of their ids). The selection depends only on the backups
 * given, never on the current time: running it late, or twice, gives the same answer.
 *
 * @param hourly how many hourly periods to keep a backup of, ≥ 0
 * @param daily how many days, ≥ 0
 * @param weekly how many ISO weeks, ≥ 0
 * @param monthly how many months, ≥ 0
 * @param yearly how many years, ≥ 0
 */
public record GfsPolicy(int hourly, int daily, int weekly, int monthly, int yearly) {

  /**
   * Validates the counts: none negative, at least one positive.
   *
   * @throws HardstorageException {@value RetentionErrors#INVALID_POLICY}, exit USAGE
   */
  public GfsPolicy {
    if (hourly < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
      throw RetentionErrors.invalidPolicy(
          "counts must not be negative: " + describe(hourly, daily, weekly, monthly, yearly));
    }
    if (hourly + (long) daily + weekly + monthly + yearly == 0) {
      throw RetentionErrors.invalidPolicy(
          "at least one count must be positive, got " + describe(0, 0, 0, 0, 0));
    }
  }

  /** The count of one granularity. */
  public int count(Granularity g) {
    return switch (g) {
      case HOURLY -> hourly;
      case DAILY -> daily;
      case WEEKLY -> weekly;
      case MONTHLY -> monthly;
      case YEARLY -> yearly;
    };
  }

  /**
   * Splits {@code backups} into kept and deleted.
   *
   * @throws IllegalArgumentException if an id is given twice
   */
  public GfsSelection select(Collection<BackupId> backups) {
    TreeSet<BackupId> sorted = new TreeSet<>(backups);
    if (sorted.size() != backups.size()) {
      throw new IllegalArgumentException("backup ids must be distinct: " + backups);
    }
    if (sorted.isEmpty()) {
      return new GfsSelection(List.of(), List.of());
    }
    List<BackupId> newestFirst = new ArrayList<>(sorted.descendingSet());
    Map<BackupId, List<KeepReason>> reasons = new LinkedHashMap<>();
    reasons.computeIfAbsent(newestFirst.get(0), k -> new ArrayList<>()).add(KeepReason.newest());
    for (Granularity g : Granularity.values()) {
      keepNewestPerPeriod(g, count(g), newestFirst, reasons);
    }
    List<GfsSelection.Kept> kept = new ArrayList<>();
    List<BackupId> deleted = new ArrayList<>();
    for (BackupId id : sorted) {
      List<KeepReason> why = reasons.get(id);
      if (why == null) {
        deleted.add(id);
      } else {
        kept.add(new GfsSelection.Kept(id, why));
      }
    }
    return new GfsSelection(kept, deleted);
  }

  /** The counts as text, e.g. {@code hourly 0, daily 7, weekly 4, monthly 12, yearly 0}. */
  public String describe() {
    return describe(hourly, daily, weekly, monthly, yearly);
  }

  /**
   * Walking from the newest backup back, the first backup met in a period is that period's newest;
   * the first {@code n} distinct periods met are the n most recent ones that hold a backup.
   */
  private static void keepNewestPerPeriod(
      Granularity g, int n, List<BackupId> newestFirst, Map<BackupId, List<KeepReason>> reasons) {
    Set<String> periods = new HashSet<>();
    for (BackupId id : newestFirst) {
      if (periods.size() == n) {
        return;
      }
      String period = g.period(id.startTime());
      if (periods.add(period)) {
        reasons.computeIfAbsent(id, k -> new ArrayList<>()).add(KeepReason.of(g, period));
      }
    }
  }

  private static String describe(int hourly, int daily, int weekly, int monthly, int yearly) {
    return "hourly "
        + hourly
        + ", daily "
        + daily
        + ", weekly "
        + weekly
        + ", monthly "
        + monthly
        + ", yearly "
        + yearly;
  }
}
