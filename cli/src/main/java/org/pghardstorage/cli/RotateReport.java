package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pghardstorage.cli.output.TextView;
import org.pghardstorage.core.repo.GarbageCollection;
import org.pghardstorage.core.retention.GfsPolicy;
import org.pghardstorage.core.retention.Granularity;
import org.pghardstorage.core.retention.KeepReason;
import org.pghardstorage.core.retention.RetentionPlan;
import org.pghardstorage.core.retention.RotationResult;
import org.pghardstorage.core.wal.WalAudit;

/**
 * The result of {@code rotate}: one row per backup (kept, with the rules that keep it, or deleted),
 * which is what table and CSV output show, and the WAL, packs and point-in-time window in JSON and
 * YAML. Field names are snake_case like every command's.
 */
final class RotateReport {
  private RotateReport() {}

  /** The structured result; {@code done} is present after {@code --apply}. */
  static Map<String, Object> result(RetentionPlan plan, Optional<RotationResult> done) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("deployment", plan.deployment());
    r.put("applied", done.isPresent());
    r.put("policy", policy(plan.policy()));
    r.put("planned_at", plan.plannedAt().toString());
    r.put("backups", backups(plan));
    r.put("backups_kept", plan.keep().size());
    r.put("backups_deleted", plan.delete().size());
    r.put("wal", wal(plan.wal()));
    r.put("packs", packs(plan.packs(), done.map(RotationResult::garbage)));
    r.put("pitr_window", window(plan.pitrWindow()));
    return r;
  }

  private static Map<String, Object> policy(GfsPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "gfs");
    for (Granularity g : Granularity.values()) {
      m.put(g.label(), p.count(g));
    }
    return m;
  }

  /** Kept and deleted backups together, oldest first. */
  private static List<Map<String, Object>> backups(RetentionPlan plan) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (RetentionPlan.KeptBackup k : plan.keep()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("backup_id", k.backupId());
      row.put("started_at", k.startedAt().toString());
      row.put("action", "keep");
      row.put("kept_by", reasons(k.keptBy()));
      row.put("start_lsn", k.startLsn());
      row.put("timeline", k.startTimeline());
      rows.add(row);
    }
    for (RetentionPlan.DeletedBackup del : plan.delete()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("backup_id", del.backupId());
      row.put("started_at", del.startedAt().toString());
      row.put("action", "delete");
      row.put("kept_by", "");
      rows.add(row);
    }
    // ids sort in time order
    rows.sort((a, b) -> ((String) a.get("backup_id")).compareTo((String) b.get("backup_id")));
    return rows;
  }

  private static String reasons(List<KeepReason> why) {
    return why.stream().map(KeepReason::toString).collect(Collectors.joining(", "));
  }

  private static Map<String, Object> wal(RetentionPlan.WalPlan w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keep_from_segment", w.keepFromSegment());
    m.put("keep_from_lsn", w.keepFromLsn());
    m.put("segments_deleted", w.segments());
    m.put("bytes_deleted", w.bytes());
    m.put("history_files_deleted", w.historyFiles());
    List<Map<String, Object>> timelines = new ArrayList<>();
    for (RetentionPlan.TimelineDeletion t : w.timelines()) {
      Map<String, Object> tl = new LinkedHashMap<>();
      tl.put("timeline", t.timeline());
      tl.put("whole_timeline", t.wholeTimeline());
      tl.put("first_segment", t.firstSegment());
      tl.put("last_segment", t.lastSegment());
      tl.put("segments", t.segments());
      tl.put("bytes", t.bytes());
      timelines.add(tl);
    }
    m.put("timelines", timelines);
    return m;
  }

  /** The plan's pack preview, or after {@code --apply} what garbage collection deleted. */
  private static Map<String, Object> packs(
      RetentionPlan.PackPlan p, Optional<GarbageCollection> done) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (done.isPresent()) {
      GarbageCollection g = done.get();
      m.put("packs_deleted", g.packsDeleted());
      m.put("bytes_deleted", g.packBytesDeleted());
      m.put("index_files_written", g.indexFilesWritten());
      m.put("index_files_deleted", g.indexFilesDeleted());
      m.put("orphans_deleted", g.orphansDeleted());
    } else {
      m.put("packs_deleted", p.packs());
      m.put("bytes_deleted", p.bytes());
    }
    m.put("safe_to_collect", p.safe());
    m.put("unindexed_chunks", p.unindexedChunks());
    return m;
  }

  private static Map<String, Object> window(RetentionPlan.PitrWindow w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from_backup", w.fromBackup());
    m.put("from_time", w.fromTime().toString());
    m.put("from_lsn", w.fromLsn());
    m.put("from_timeline", w.fromTimeline());
    m.put("to_timeline", w.toTimeline());
    m.put("to_segment", w.toSegment());
    m.put("to_segment_partial", w.toSegmentPartial());
    List<Map<String, Object>> gaps = new ArrayList<>();
    for (WalAudit.Gap g : w.gaps()) {
      Map<String, Object> gap = new LinkedHashMap<>();
      gap.put("timeline", g.timeline());
      gap.put("from_segment", g.fromSegment());
      gap.put("to_segment", g.toSegment());
      gap.put("reason", g.reason());
      gaps.add(gap);
    }
    m.put("gaps", gaps);
    return m;
  }

  /** The text form; {@code done} is null for a dry run. */
  static TextView text(RetentionPlan plan, RotationResult done) {
    return out -> {
      boolean dry = done == null;
      out.printf(
          "%s %s with policy gfs (%s)%s%n",
          dry ? "Dry run: rotating" : "Rotated",
          plan.deployment(),
          plan.policy().describe(),
          dry ? " - nothing deleted" : "");
      for (Map<String, Object> row : backups(plan)) {
        boolean keep = "keep".equals(row.get("action"));
        out.println(
            String.format(
                    "  %-7s %-23s %s",
                    keep ? "keep" : dry ? "delete" : "deleted",
                    row.get("backup_id"),
                    keep ? row.get("kept_by") : "")
                .stripTrailing());
      }
      printWal(plan.wal(), dry, out);
      printPacks(plan.packs(), done, out);
      printWindow(plan.pitrWindow(), out);
      if (dry) {
        out.println("Run again with --apply to delete.");
      }
    };
  }

  private static void printWal(RetentionPlan.WalPlan w, boolean dry, PrintWriter out) {
    out.printf(
        "WAL: %s %s (%s) before %s (LSN %s)%s%n",
        dry ? "would delete" : "deleted",
        Counts.of(w.segments(), "segment"),
        Bytes.human(w.bytes()),
        w.keepFromSegment(),
        w.keepFromLsn(),
        w.historyFiles().isEmpty() ? "" : ", history files of timelines " + w.historyFiles());
    for (RetentionPlan.TimelineDeletion t : w.timelines()) {
      out.printf(
          "  timeline %d: %s..%s, %s%s%n",
          t.timeline(),
          t.firstSegment(),
          t.lastSegment(),
          Counts.of(t.segments(), "segment"),
          t.wholeTimeline() ? " (abandoned timeline, whole)" : "");
    }
  }

  private static void printPacks(RetentionPlan.PackPlan p, RotationResult done, PrintWriter out) {
    if (done != null) {
      out.printf(
          "Packs: deleted %d (%s)%n",
          done.garbage().packsDeleted(), Bytes.human(done.garbage().packBytesDeleted()));
    } else if (p.safe()) {
      out.printf("Packs: would delete %d (%s)%n", p.packs(), Bytes.human(p.bytes()));
    } else {
      out.printf(
          "Packs: collection is unsafe (%d chunks of kept backups have no index entry, or an index"
              + " object is damaged); --apply would refuse (repo.gc_unsafe). Run 'pg_hardstorage"
              + " repo index rebuild' first.%n",
          p.unindexedChunks());
    }
  }

  private static void printWindow(RetentionPlan.PitrWindow w, PrintWriter out) {
    out.printf(
        "Point-in-time recovery %s: from %s (backup %s, LSN %s, timeline %d) to %s%n",
        w.gaps().isEmpty() ? "window" : "window (with gaps)",
        w.fromTime(),
        w.fromBackup(),
        w.fromLsn(),
        w.fromTimeline(),
        w.toSegment().isEmpty()
            ? "the end of the kept backups (no WAL stored)"
            : "segment "
                + w.toSegment()
                + (w.toSegmentPartial() ? " (partial, streaming)" : "")
                + " on timeline "
                + w.toTimeline());
    for (WalAudit.Gap g : w.gaps()) {
      out.printf(
          "  gap on timeline %d: %s..%s: %s%n",
          g.timeline(), g.fromSegment(), g.toSegment(), g.reason());
    }
  }
}
