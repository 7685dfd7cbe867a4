package org.pghardstorage.ejb.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.restore.RecoveryKey;
import org.pghardstorage.core.restore.RecoveryTarget;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.ejb.deployment.Protected;

/** How the restore planning service turns an API request into the engine's restore request. */
class RestorePlanningTest {
  private static Protected deployment(String kekRef) {
    return new Protected(
        Deployment.of("db1"),
        "host=db1 user=backup",
        null,
        "file:///srv/repo",
        kekRef,
        "pg_hardstorage_db1");
  }

  private static RestorePlanRequest request(String target, String time, String lsn) {
    return new RestorePlanRequest(
        null,
        target,
        time,
        lsn,
        null,
        null,
        null,
        null,
        null,
        "/opt/pghs/bin/pg_hardstorage",
        null);
  }

  @Test
  void aTimeTargetBecomesTheEnginesRequestPlannedForTheRestoringHost() {
    RestoreRequest r =
        RestorePlanning.request(
            deployment(null), request("/srv/recover/../recover", "2026-11-30T02:40:00Z", null));

    assertThat(r.target()).isEqualTo(Path.of("/srv/recover"));
    assertThat(r.recoveryTarget())
        .isEqualTo(new RecoveryTarget.Time(Instant.parse("2026-11-30T02:40:00Z")));
    assertThat(r.checkRecoveryAccess()).as("checked on the restoring host").isFalse();
    assertThat(r.restoreCommand()).contains("/opt/pghs/bin/pg_hardstorage").contains("db1");
    assertThat(r.targetTimeline()).isEqualTo("latest");
  }

  @Test
  void badFieldsAreRefusedNamingTheFieldAndTheValueGiven() {
    for (Object[] bad :
        new Object[][] {
          {request("relative/dir", null, null), "target is missing or invalid: \"relative/dir\""},
          {request(null, null, null), "target is missing or invalid: none given"},
          {request("/srv/recover", "yesterday", null), "time is missing or invalid: \"yesterday\""},
          {request("/srv/recover", null, "zz"), "lsn is missing or invalid: \"zz\""},
        }) {
      assertThatThrownBy(
              () -> RestorePlanning.request(deployment(null), (RestorePlanRequest) bad[0]))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> assertThat(e.code()).isEqualTo("usage.bad_restore_plan"))
          .hasMessageContaining("field " + bad[1]);
    }
    assertThat(RestorePlanning.target(request("/srv/recover", null, "0/3000028")))
        .isEqualTo(new RecoveryTarget.AtLsn(Lsn.parse("0/3000028")));
  }

  @Test
  void onlyAFileKeyReachesTheRestoringHost() {
    assertThat(RestorePlanning.recoveryKey(deployment(null))).isEqualTo(RecoveryKey.none());
    assertThat(RestorePlanning.recoveryKey(deployment("file:/etc/pg_hardstorage/secrets/repo.key")))
        .isEqualTo(new RecoveryKey.PassphraseFile(Path.of("/etc/pg_hardstorage/secrets/repo.key")));
    assertThat(RestorePlanning.recoveryKey(deployment("env:PGHS_SECRET_KEY")))
        .isInstanceOf(RecoveryKey.Unavailable.class);
  }
}
