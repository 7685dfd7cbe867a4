package org.pghardstorage.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.status.DeploymentHealth.Status;

/** The rules of docs/reference/health.md, one by one. */
class HealthRulesTest {
  private static final HealthRules RULES = HealthRules.DEFAULT;

  /** Streaming with a second of lag, a backup of an hour ago that passed verification. */
  private static HealthFacts healthy() {
    return new HealthFacts(
        Optional.of(true),
        Optional.of(Duration.ofSeconds(1)),
        Optional.of(Duration.ofSeconds(2)),
        Optional.of(Duration.ofHours(1)),
        Optional.of(true),
        0,
        0);
  }

  private static HealthFacts with(
      Optional<Boolean> streaming,
      Optional<Duration> sinceWal,
      Optional<Duration> backupAge,
      Optional<Boolean> verified,
      int gapsNeeded,
      int gapsOlder) {
    return new HealthFacts(
        streaming,
        Optional.of(Duration.ofSeconds(1)),
        sinceWal,
        backupAge,
        verified,
        gapsNeeded,
        gapsOlder);
  }

  @Test
  void streamingWithARecentVerifiedBackupIsGreenWithTheLagAsRpo() {
    DeploymentHealth h = RULES.judge(healthy());
    assertThat(h.status()).isEqualTo(Status.GREEN);
    assertThat(h.rpoSeconds()).isEqualTo(1);
    assertThat(h.reasons()).isEmpty();
    // a backup never verified yet is not a problem of its own
    assertThat(
            RULES
                .judge(
                    with(
                        Optional.of(true),
                        Optional.of(Duration.ofSeconds(2)),
                        Optional.of(Duration.ofHours(1)),
                        Optional.empty(),
                        0,
                        0))
                .status())
        .isEqualTo(Status.GREEN);
  }

  @Test
  void whatMakesARestoreFailOrLoseTooMuchIsRed() {
    var day = Optional.of(Duration.ofHours(1));
    var fresh = Optional.of(Duration.ofSeconds(2));
    var up = Optional.of(true);
    assertRed(with(up, fresh, Optional.empty(), Optional.empty(), 0, 0), "no backup");
    assertRed(with(up, fresh, day, Optional.of(false), 0, 0), "failed verification");
    assertRed(with(up, fresh, day, Optional.of(true), 1, 0), "cannot be restored");
    assertRed(
        with(Optional.of(false), Optional.of(Duration.ofHours(2)), day, Optional.of(true), 0, 0),
        "RPO 7200 s is over 3600 s");
    assertRed(
        with(up, fresh, Optional.of(Duration.ofDays(9)), Optional.of(true), 0, 0),
        "the newest backup's age 777600 s is over 691200 s");
  }

  @Test
  void degradedProtectionIsAmber() {
    var day = Optional.of(Duration.ofHours(1));
    var fresh = Optional.of(Duration.ofSeconds(2));
    var ok = Optional.of(true);
    assertAmber(with(Optional.of(false), fresh, day, ok, 0, 0), "no streamer receives");
    assertAmber(with(Optional.empty(), fresh, day, ok, 0, 0), "cannot be told");
    assertAmber(
        with(Optional.of(false), Optional.of(Duration.ofMinutes(10)), day, ok, 0, 0),
        "RPO 600 s is over 300 s");
    assertAmber(
        with(Optional.of(true), fresh, Optional.of(Duration.ofHours(30)), ok, 0, 0),
        "the newest backup's age 108000 s is over 93600 s");
    assertAmber(with(Optional.of(true), fresh, day, ok, 0, 2), "2 WAL gap(s) before");
  }

  @Test
  void theRpoIsTheLagWhileStreamingElseTheAgeOfTheNewestWalElseOfTheNewestBackup() {
    assertThat(healthy().rpo()).contains(Duration.ofSeconds(1));
    var down = Optional.of(false);
    var backup = Optional.of(Duration.ofHours(3));
    assertThat(
            with(down, Optional.of(Duration.ofSeconds(40)), backup, Optional.empty(), 0, 0).rpo())
        .contains(Duration.ofSeconds(40));
    assertThat(with(down, Optional.empty(), backup, Optional.empty(), 0, 0).rpo())
        .contains(Duration.ofHours(3));
    assertThat(
            with(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, 0)
                .rpo())
        .isEmpty();
  }

  @Test
  void theDocumentIsWrittenInLowerCaseSnakeCase() {
    assertThat(ResultJson.write(RULES.judge(healthy())))
        .isEqualTo("{\"status\":\"green\",\"rpo_seconds\":1,\"reasons\":[]}");
  }

  @Test
  void amberLimitsAboveRedOnesAreRefused() {
    assertThatThrownBy(
            () ->
                new HealthRules(
                    Duration.ofHours(2), Duration.ofHours(1), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT2H");
  }

  private static void assertRed(HealthFacts facts, String reason) {
    DeploymentHealth h = RULES.judge(facts);
    assertThat(h.status()).as(reason).isEqualTo(Status.RED);
    assertThat(h.reasons()).as(reason).anyMatch(r -> r.contains(reason));
  }

  private static void assertAmber(HealthFacts facts, String reason) {
    DeploymentHealth h = RULES.judge(facts);
    assertThat(h.status()).as(reason).isEqualTo(Status.AMBER);
    assertThat(h.reasons()).as(reason).anyMatch(r -> r.contains(reason));
  }
}
