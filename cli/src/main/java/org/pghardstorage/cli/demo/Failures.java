package org.pghardstorage.cli.demo;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** Turns what a demo step threw into an operator-facing error with a dotted code. */
final class Failures {
  private static final int MAX_DETAIL = 400;

  private Failures() {}

  /**
   * {@code e} itself when the engine already classified it; otherwise {@code demo.<area>_failed}
   * (exit 1), its message cut to the first line (server output stays behind {@code --debug}).
   */
  static HardstorageException classify(String area, String step, Throwable e) {
    if (e instanceof HardstorageException h) {
      return h;
    }
    return new HardstorageException(
        "demo." + area + "_failed",
        ExitCode.ERROR,
        step + " failed: " + oneLine(e),
        "run 'pg_hardstorage demo --keep --debug' to see the whole error and keep the work"
            + " directory (server logs, data directories, repository) for inspection",
        e);
  }

  /** The first line of the message, at most a few hundred characters. */
  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl).strip();
    }
    return m.length() > MAX_DETAIL ? m.substring(0, MAX_DETAIL) + " ..." : m;
  }
}
