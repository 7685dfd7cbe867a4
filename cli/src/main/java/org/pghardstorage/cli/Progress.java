package org.pghardstorage.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
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
        // no estimate (the server sent none): say what was copied, not "of ~0 B"
        String of =
            estimatedTotal > 0
                ? String.format(
                    Locale.ROOT,
                    " of ~%s (%.0f%%)",
                    Bytes.human(estimatedTotal),
                    100.0 * bytes / estimatedTotal)
                : "";
        printer.progress(
            "copy",
            Map.of("bytes", bytes, "estimated_total", estimatedTotal),
            indent + "copy: " + Bytes.human(bytes) + of);
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
      printer.progress(p.phase(), f, indent + line(p));
    };
  }

  /**
   * The text line of a task's progress: items, and bytes only in a phase that counts them, so that
   * a phase of no bytes does not print "0 B of 0 B".
   */
  static String line(org.pghardstorage.core.task.Progress p) {
    String bytes =
        p.bytesTotal() > 0
            ? ", " + Bytes.human(p.bytesDone()) + " of " + Bytes.human(p.bytesTotal())
            : "";
    return String.format(
        Locale.ROOT,
        "%s: %d/%d%s (%.0f%%)",
        p.phase(),
        p.itemsDone(),
        p.itemsTotal(),
        bytes,
        p.fraction() * 100);
  }
}
