package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pghardstorage.core.restore.RecoverySettings;

/** The "Next:" line of {@code restore} says what starting the copy really does. */
class RecoveryOutlookTest {
  private static final RecoverySettings IMMEDIATE = RecoverySettings.immediate("true");

  private static RecoverySettings toTime(String action) {
    RecoverySettings s =
        IMMEDIATE
            .without("recovery_target")
            .with("recovery_target_time", "2026-11-30 02:40:00.000000+00:00");
    return action == null
        ? s.without(RecoverySettings.RECOVERY_TARGET_ACTION)
        : s.with(RecoverySettings.RECOVERY_TARGET_ACTION, action);
  }

  @Test
  void aPointInTimeWithPauseSaysItPausesAndHowToPromote() {
    String next = RecoveryOutlook.next("/srv/copy", toTime("pause"));
    assertThat(next)
        .startsWith("Next: pg_ctl -D /srv/copy start  (")
        .contains("then pauses")
        .contains("pg_wal_replay_resume()")
        .doesNotContain("then promotes");
    // no action written: PostgreSQL's default is pause
    assertThat(RecoveryOutlook.next("/srv/copy", toTime(null))).isEqualTo(next);
  }

  @Test
  void promoteAndShutdownSayWhatTheyDo() {
    assertThat(RecoveryOutlook.next("/srv/copy", toTime("promote")))
        .contains("replays WAL to the target, then promotes");
    assertThat(RecoveryOutlook.next("/srv/copy", toTime("shutdown")))
        .contains("then shuts down")
        .contains("recovery_target_action = 'promote'");
  }

  @Test
  void theBackupsConsistencyPointPromotes() {
    assertThat(RecoveryOutlook.next("/srv/copy", IMMEDIATE))
        .contains("recovers to the backup's consistency point, then promotes");
  }

  @Test
  void withoutATargetAllWalIsReplayedWhateverTheAction() {
    RecoverySettings latest =
        IMMEDIATE.without("recovery_target").with(RecoverySettings.RECOVERY_TARGET_ACTION, "pause");
    assertThat(RecoveryOutlook.next("/srv/my copy", latest))
        .isEqualTo(
            "Next: pg_ctl -D '/srv/my copy' start  (replays all WAL in the repository, then"
                + " promotes: the server opens for writes)");
  }
}
