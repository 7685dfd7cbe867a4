package org.pghardstorage.core.wal;

import java.util.List;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Everything a preflight found.
 *
 * @param server the server version string
 * @param slot the slot checked
 * @param checks the findings, in the order run
 */
public record PreflightReport(String server, String slot, List<PreflightCheck> checks) {
  /** Copies the list. */
  public PreflightReport {
    checks = List.copyOf(checks);
  }

  /** Whether nothing failed (warnings allowed). */
  public boolean ok() {
    return checks.stream().noneMatch(c -> c.status() == PreflightCheck.Status.FAIL);
  }

  /** Throws {@code preflight.failed} (exit 4) naming every failed check, unless {@link #ok()}. */
  public void requireOk() {
    List<PreflightCheck> failed =
        checks.stream().filter(c -> c.status() == PreflightCheck.Status.FAIL).toList();
    if (failed.isEmpty()) {
      return;
    }
    StringBuilder msg = new StringBuilder("preflight refused:");
    StringBuilder fix = new StringBuilder();
    for (PreflightCheck c : failed) {
      msg.append(' ').append(c.name()).append(": ").append(c.detail()).append(';');
      if (c.suggestion() != null) {
        fix.append(fix.length() == 0 ? "" : "; ").append(c.suggestion());
      }
    }
    throw new HardstorageException(
        "preflight.failed",
        ExitCode.PREFLIGHT_REFUSED,
        msg.substring(0, msg.length() - 1),
        fix.length() == 0 ? null : fix.toString());
  }
}
