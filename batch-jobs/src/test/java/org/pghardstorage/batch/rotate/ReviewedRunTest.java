package org.pghardstorage.batch.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.retention.GfsPolicy;
import org.pghardstorage.core.retention.ReviewedRotation;
import org.pghardstorage.ejb.job.JobRunView;

/** Which job run's plan a rotate with {@code reviewed_run} may apply. */
class ReviewedRunTest {
  /** The result a rotate dry run of db1 records: it deletes one backup of two. */
  private static final String DRY_RUN =
      """
      {"deployment":"db1","applied":false,
       "policy":{"name":"gfs","hourly":1,"daily":0,"weekly":0,"monthly":0,"yearly":0},
       "backups":[{"backup_id":"20261130T100000Z-aaaaaa","action":"delete"},
                  {"backup_id":"20261130T110000Z-aaaaaa","action":"keep"}],
       "wal":{"keep_from_lsn":"0/3000028"}}
      """;

  private static JobRunView run(long id, String job, String deployment, String state, String r) {
    return new JobRunView(
        id,
        1L,
        job,
        deployment,
        "ann",
        "console",
        state,
        "2026-12-05T10:00:00Z",
        null,
        0,
        0,
        r,
        null,
        "here");
  }

  private static final Map<Long, JobRunView> RUNS =
      Map.of(
          7L, run(7, "rotate", "db1", "completed", DRY_RUN),
          8L, run(8, "rotate", "db1", "running", null),
          9L, run(9, "rotate", "db2", "completed", DRY_RUN.replace("db1", "db2")),
          10L, run(10, "verify", "db1", "completed", "{}"),
          11L, run(11, "rotate", "db1", "completed", DRY_RUN.replace("false", "true")),
          12L, run(12, "rotate", "db1", "failed", null));

  private static ReviewedRotation require(String value, String... more) {
    Map<String, String> p = new HashMap<>();
    p.put(ReviewedRun.PARAMETER, value);
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return ReviewedRun.require(p, "db1", id -> Optional.ofNullable(RUNS.get(id)));
  }

  @Test
  void aCompletedDryRunOfTheDeploymentIsThePlanToApply() {
    ReviewedRotation r = require("7");

    assertThat(r.deployment()).isEqualTo("db1");
    assertThat(r.deleted()).containsExactly("20261130T100000Z-aaaaaa");
    assertThat(r.keepFromLsn()).isEqualTo("0/3000028");
    assertThat(r.policy()).isEqualTo(new GfsPolicy(1, 0, 0, 0, 0));
    assertThat(require("7", "apply", "true").deleted()).isEqualTo(r.deleted());
  }

  @Test
  void anythingButACompletedDryRunOfTheSameDeploymentIsRefusedWithTheReason() {
    Map<String, String> why = new HashMap<>();
    why.put("x7", "must be the id of a rotate dry run, not 'x7'");
    why.put("99", "job run 99: there is no such job run");
    why.put("8", "it is running, not a completed dry run");
    why.put("12", "it is failed, not a completed dry run");
    why.put("9", "it planned deployment db2, not db1");
    why.put("10", "it is a verify run, not a rotate dry run");
    why.put("11", "only a dry run's plan can be reviewed");
    why.forEach(
        (value, reason) ->
            assertThatThrownBy(() -> require(value))
                .isInstanceOfSatisfying(
                    HardstorageException.class,
                    e -> {
                      assertThat(e.code()).isEqualTo(ReviewedRotation.INVALID);
                      assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                      assertThat(e.getMessage()).contains(reason);
                    }));
    assertThatThrownBy(() -> require("7", "apply", "false"))
        .hasMessageContaining("apply=false contradicts it");
  }
}
