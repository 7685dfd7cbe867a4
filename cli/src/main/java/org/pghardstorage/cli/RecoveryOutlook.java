package org.pghardstorage.cli;

import java.util.List;
import java.util.Map;
import org.pghardstorage.core.restore.RecoverySettings;

/**
 * What starting a restored data directory will do, from the recovery settings the restore wrote:
 * the "Next:" line of {@code restore}. PostgreSQL acts on {@code recovery_target_action} only when
 * a recovery target is set; without one it replays all the WAL it can fetch and promotes.
 */
final class RecoveryOutlook {
  private static final List<String> TARGETS =
      List.of(
          "recovery_target",
          "recovery_target_time",
          "recovery_target_lsn",
          "recovery_target_name",
          "recovery_target_xid");

  private RecoveryOutlook() {}

  /** The "Next:" line for a data directory at {@code target} with {@code recovery}. */
  static String next(String target, RecoverySettings recovery) {
    return "Next: pg_ctl -D " + Shell.quote(target) + " start  (" + outcome(recovery.asMap()) + ")";
  }

  private static String outcome(Map<String, String> s) {
    if (TARGETS.stream().noneMatch(s::containsKey)) {
      return "replays all WAL in the repository, then promotes: the server opens for writes";
    }
    String to =
        "immediate".equals(s.get("recovery_target"))
            ? "recovers to the backup's consistency point"
            : "replays WAL to the target";
    // PostgreSQL's default action is pause
    return switch (s.getOrDefault(RecoverySettings.RECOVERY_TARGET_ACTION, "pause")) {
      case "promote" -> to + ", then promotes: the server opens for writes";
      case "shutdown" ->
          to
              + ", then shuts down; to open it, set recovery_target_action = 'promote' in"
              + " postgresql.auto.conf and start it again";
      default ->
          to
              + ", then pauses, read-only: check the data, then promote with SELECT"
              + " pg_wal_replay_resume(), or stop it and restore again with another target";
    };
  }
}
