package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.cli.output.TextView;
import org.pghardstorage.core.retention.RetentionPlan;
import org.pghardstorage.core.retention.RotationDocument;
import org.pghardstorage.core.retention.RotationResult;
import org.pghardstorage.core.wal.WalAudit;

/**
 * The result of {@code rotate}: the one rotation document ({@link RotationDocument}, which the
 * server's rotate job records too) in JSON and YAML, its backup rows in table and CSV output, and
 * the text form here.
 */
final class RotateReport {
  private RotateReport() {}

  /** The structured result: the one rotation document ({@link RotationDocument}). */
  static Map<String, Object> result(RetentionPlan plan, Optional<RotationResult> done) {
    return RotationDocument.of(plan, done);
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
      for (Map<String, Object> row : RotationDocument.backups(plan)) {
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
