package org.pghardstorage.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.backup.BackupProgress;
import org.pghardstorage.core.task.ProgressListener;

/**
 * Progress of long engine work, rendered through a {@link Printer}: ndjson {@code progress} events,
 * or at most one line a second on stderr in text mode. {@code indent} prefixes the text lines, for
 * commands that nest an engine operation inside steps of their own.
 */
public final class Progress {
  private static final long EVERY_NANOS = 1_000_000_000L;

  private Progress() {}

  /** Progress of a base backup: its phases, and bytes copied. */
  public static BackupProgress backup(Printer printer, String indent) {
    AtomicLong lastReport = new AtomicLong();
    return new BackupProgress() {
      @Override
      public void phase(String phase, String detail) {
        printer.progress(phase, Map.of("detail", detail), indent + phase + ": " + detail);
      }

      @Override
      public void copied(long bytes, long estimatedTotal) {
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last < EVERY_NANOS || !lastReport.compareAndSet(last, now)) {
          return;
        }
        String pct =
            estimatedTotal > 0 ? String.format(" (%.0f%%)", 100.0 * bytes / estimatedTotal) : "";
        printer.progress(
            "copy",
            Map.of("bytes", bytes, "estimated_total", estimatedTotal),
            indent + "copy: " + Bytes.human(bytes) + " of ~" + Bytes.human(estimatedTotal) + pct);
      }
    };
  }

  /** Progress of a verify or restore: items and bytes done of the total, per phase. */
  public static ProgressListener task(Printer printer, String indent) {
    AtomicLong last = new AtomicLong();
    return p -> {
      long now = System.nanoTime();
      if (now - last.get() < EVERY_NANOS && p.itemsDone() < p.itemsTotal()) {
        return;
      }
      last.set(now);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("items_done", p.itemsDone());
      f.put("items_total", p.itemsTotal());
      f.put("bytes_done", p.bytesDone());
      f.put("bytes_total", p.bytesTotal());
      printer.progress(
          p.phase(),
          f,
          String.format(
              "%s%s: %d/%d, %s of %s (%.0f%%)",
              indent,
              p.phase(),
              p.itemsDone(),
              p.itemsTotal(),
              Bytes.human(p.bytesDone()),
              Bytes.human(p.bytesTotal()),
              p.fraction() * 100));
    };
  }
}
