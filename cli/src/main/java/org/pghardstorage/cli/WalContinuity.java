package org.pghardstorage.cli;

import org.pghardstorage.cli.DoctorCommand.Finding;
import org.pghardstorage.core.status.DeploymentSummary;

/**
 * {@code doctor}'s verdict on a deployment's WAL continuity, matched to what the operator can do. A
 * gap the newest backup needs is a failure that a new base backup repairs. Gaps only before the
 * newest backup (the WAL between backups taken while no streamer ran) cannot be repaired at all:
 * they leave with the backups before them when rotation removes those; what the operator can do is
 * keep new ones from opening, so they are a warning while no streamer runs and pass once one does.
 */
final class WalContinuity {
  /** What {@code doctor} learnt about the deployment's streamer from the server. */
  enum Streamer {
    /** The slot is in use by a streamer. */
    UP,
    /** No slot, or a slot nothing streams from. */
    DOWN,
    /** No connection configured, or the server could not be asked. */
    UNKNOWN
  }

  static final String CHECK = "WAL continuity";

  private WalContinuity() {}

  /** The finding for {@code s}, or null when there is no WAL and no gap to judge. */
  static Finding verdict(String scope, String name, DeploymentSummary s, Streamer streamer) {
    String newest = s.lastBackupId();
    String audit = "pg_hardstorage wal audit " + name + " names every gap";
    String stream = "pg_hardstorage wal stream " + name;
    if (!s.walGapsNewestBackupNeeds().isEmpty()) {
      return new Finding(
          scope,
          CHECK,
          "FAIL",
          (newest == null
                  ? "gaps, and no backup: "
                  : "gaps at or after the start of the newest backup " + newest + ": ")
              + s.walGapsNewestBackupNeeds()
              + "; recovery stops at the first one",
          "take a new base backup (pg_hardstorage backup "
              + name
              + "), which starts after the gap, and keep the WAL streamer running ("
              + stream
              + ") so that no new gap opens; "
              + audit);
    }
    if (!s.walGaps().isEmpty()) {
      if (streamer == Streamer.UP) {
        return new Finding(
            scope,
            CHECK,
            "PASS",
            "no gap since the newest backup "
                + newest
                + "; older gaps "
                + s.walGaps()
                + " keep point-in-time recovery out of them until rotation removes the backups"
                + " before them",
            null);
      }
      return new Finding(
          scope,
          CHECK,
          "WARN",
          "gaps before the newest backup "
              + newest
              + ": "
              + s.walGaps()
              + " (no streamer kept the WAL between backups); point-in-time recovery is possible"
              + " only from "
              + newest
              + " onward",
          "start the WAL streamer ("
              + stream
              + ", or the systemd unit pg_hardstorage-wal-stream@"
              + name
              + ") to close future gaps; the ones listed go when rotation removes the backups"
              + " before them; "
              + audit);
    }
    if (s.walNewestSegment() != null) {
      return new Finding(
          scope,
          CHECK,
          "PASS",
          "no gaps; newest WAL written " + Durations.ago(s.walAgeSeconds()),
          null);
    }
    return null;
  }
}
