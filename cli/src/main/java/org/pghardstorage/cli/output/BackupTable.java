package org.pghardstorage.cli.output;

import java.io.PrintWriter;
import org.pghardstorage.cli.Bytes;

/** The text table of backups that {@code list} prints, from the repository or a server. */
public final class BackupTable {
  private static final String FORMAT = "%-26s %-20s %-14s %-14s %4s %10s%n";

  private final PrintWriter out;

  /** Starts a table on {@code out} with its header line. */
  public BackupTable(PrintWriter out) {
    this.out = out;
    out.printf(FORMAT, "BACKUP", "FINISHED", "START LSN", "END LSN", "TLI", "SIZE");
  }

  /** One backup; {@code finishedAt} as ISO-8601. */
  public void row(
      String id, String finishedAt, String startLsn, String endLsn, long timeline, long bytes) {
    String finished =
        finishedAt.length() >= 19 ? finishedAt.substring(0, 19).replace('T', ' ') : finishedAt;
    out.printf(FORMAT, id, finished, startLsn, endLsn, timeline, Bytes.human(bytes));
  }
}
