package org.pghardstorage.core.retention;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pghardstorage.core.repo.GarbageCollection;
import org.pghardstorage.core.wal.WalAudit;

/**
 * The one document of a rotation, whoever runs it: {@code pg_hardstorage rotate --output json}
 * prints it and the server's {@code rotate} job records it as its result, so a client reads the
 * same fields either way. One row per backup (kept, with the rules that keep it, or deleted), the
 * WAL, packs and point-in-time window; snake_case names like every result.
 */
public final class RotationDocument {
  private RotationDocument() {}

  /**
   * The document of a rotation: the plan of a dry run, or, with {@code done}, what applying it
   * deleted.
   */
  public static Map<String, Object> of(RetentionPlan plan, Optional<RotationResult> done) {
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

  /** Kept and deleted backups together, oldest first: the document's {@code backups}. */
  public static List<Map<String, Object>> backups(RetentionPlan plan) {
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
}
