package org.pghardstorage.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;

/** The grandfather-father-son selection over synthetic backup lists. */
class GfsPolicyTest {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A backup id started at {@code time} (ISO instant), with suffix {@code aaaaaa}. */
  static BackupId at(String time) {
    return at(time, "aaaaaa");
  }

  static BackupId at(String time, String suffix) {
    return BackupId.parse(ID_TIME.format(Instant.parse(time)) + "-" + suffix);
  }

  private static GfsPolicy hourly(int n) {
    return new GfsPolicy(n, 0, 0, 0, 0);
  }

  private static GfsPolicy daily(int n) {
    return new GfsPolicy(0, n, 0, 0, 0);
  }

  private static GfsPolicy weekly(int n) {
    return new GfsPolicy(0, 0, n, 0, 0);
  }

  private static List<BackupId> kept(GfsSelection s) {
    return s.keptIds();
  }

  private static Map<String, List<String>> reasons(GfsSelection s) {
    return s.kept().stream()
        .collect(
            Collectors.toMap(
                k -> k.backupId().value(),
                k -> k.reasons().stream().map(KeepReason::toString).toList()));
  }

  @Test
  void countsMustNotBeNegativeAndOneMustBePositive() {
    assertThatThrownBy(() -> new GfsPolicy(0, -1, 0, 0, 0))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RetentionErrors.INVALID_POLICY);
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).contains("daily -1");
              assertThat(e.suggestion()).hasValueSatisfying(h -> assertThat(h).contains("--keep"));
            });
    assertThatThrownBy(() -> new GfsPolicy(0, 0, 0, 0, 0))
        .hasFieldOrPropertyWithValue("code", RetentionErrors.INVALID_POLICY)
        .hasMessageContaining("at least one");
    assertThat(new GfsPolicy(0, 0, 0, 0, 1).describe())
        .isEqualTo("hourly 0, daily 0, weekly 0, monthly 0, yearly 1");
  }

  @Test
  void noBackupsSelectNothing() {
    GfsSelection s = daily(7).select(List.of());
    assertThat(s.kept()).isEmpty();
    assertThat(s.deleted()).isEmpty();
  }

  @Test
  void aSingleBackupIsKeptByEveryRuleWithACount() {
    BackupId only = at("2026-11-30T19:06:00Z");

    GfsSelection s = new GfsPolicy(1, 2, 0, 1, 0).select(List.of(only));

    assertThat(s.deleted()).isEmpty();
    assertThat(reasons(s))
        .containsExactly(
            Map.entry(
                only.value(),
                List.of(
                    "newest", "hourly 2026-11-30T19:00Z", "daily 2026-11-30", "monthly 2026-11")));
  }

  @Test
  void theNewestBackupOfEachPeriodIsKept() {
    BackupId h18a = at("2026-11-30T18:05:00Z");
    BackupId h18b = at("2026-11-30T18:55:00Z");
    BackupId h19a = at("2026-11-30T19:00:00Z");
    BackupId h19b = at("2026-11-30T19:30:00Z");
    BackupId h19c = at("2026-11-30T19:59:59Z");

    GfsSelection s = hourly(2).select(List.of(h19a, h18a, h19c, h18b, h19b));

    assertThat(kept(s)).containsExactly(h18b, h19c);
    assertThat(s.deleted()).containsExactly(h18a, h19a, h19b);
    assertThat(reasons(s).get(h19c.value())).containsExactly("newest", "hourly 2026-11-30T19:00Z");
    assertThat(reasons(s).get(h18b.value())).containsExactly("hourly 2026-11-30T18:00Z");
  }

  @Test
  void oneHourlyKeepsOnlyTheNewestBackup() {
    List<BackupId> backups =
        List.of(at("2026-11-30T18:59:00Z"), at("2026-11-30T19:00:01Z"), at("2026-11-30T19:00:02Z"));

    GfsSelection s = hourly(1).select(backups);

    assertThat(kept(s)).containsExactly(backups.get(2));
    assertThat(s.deleted()).containsExactly(backups.get(0), backups.get(1));
  }

  @Test
  void periodsWithoutBackupsDoNotCount() {
    BackupId d1 = at("2026-11-01T01:00:00Z");
    BackupId d2 = at("2026-11-02T01:00:00Z");
    BackupId d5 = at("2026-11-05T01:00:00Z");
    BackupId d9 = at("2026-11-09T01:00:00Z");

    GfsSelection s = daily(3).select(List.of(d1, d2, d5, d9));

    assertThat(kept(s)).containsExactly(d2, d5, d9);
    assertThat(s.deleted()).containsExactly(d1);
  }

  @Test
  void moreRequestedPeriodsThanExistKeepOnePerPeriod() {
    List<BackupId> backups =
        List.of(at("2026-11-30T01:00:00Z"), at("2026-11-30T13:00:00Z"), at("2026-12-01T01:00:00Z"));

    GfsSelection s = daily(30).select(backups);

    assertThat(kept(s)).containsExactly(backups.get(1), backups.get(2));
  }

  @Test
  void daysMonthsAndYearsTurnAtMidnightUtc() {
    BackupId lastOf2026 = at("2026-12-31T23:59:59Z");
    BackupId firstOf2027 = at("2027-01-01T00:00:00Z");
    BackupId earlier = at("2026-12-31T12:00:00Z");

    GfsSelection s = new GfsPolicy(0, 2, 0, 2, 2).select(List.of(earlier, lastOf2026, firstOf2027));

    assertThat(kept(s)).containsExactly(lastOf2026, firstOf2027);
    assertThat(reasons(s).get(lastOf2026.value()))
        .containsExactly("daily 2026-12-31", "monthly 2026-12", "yearly 2026");
    assertThat(reasons(s).get(firstOf2027.value()))
        .containsExactly("newest", "daily 2027-01-01", "monthly 2027-01", "yearly 2027");
  }

  @Test
  void weeksAreIsoWeeksOfTheWeekBasedYear() {
    BackupId sunday52 = at("2026-12-27T23:30:00Z"); // 2026-W52, Sunday
    BackupId monday53 = at("2026-12-28T00:30:00Z"); // 2026-W53, Monday
    BackupId newYear = at("2027-01-01T12:00:00Z"); // still 2026-W53 (its Thursday is in 2026)
    BackupId sunday53 = at("2027-01-03T22:00:00Z"); // 2026-W53, Sunday
    BackupId monday01 = at("2027-01-04T00:00:00Z"); // 2027-W01

    GfsSelection s = weekly(3).select(List.of(sunday52, monday53, newYear, sunday53, monday01));

    assertThat(kept(s)).containsExactly(sunday52, sunday53, monday01);
    assertThat(reasons(s).get(sunday52.value())).containsExactly("weekly 2026-W52");
    assertThat(reasons(s).get(sunday53.value())).containsExactly("weekly 2026-W53");
    assertThat(reasons(s).get(monday01.value())).containsExactly("newest", "weekly 2027-W01");
    assertThat(Granularity.WEEKLY.period(Instant.parse("2025-12-29T00:00:00Z")))
        .as("a Monday in December can open week 1 of the next year")
        .isEqualTo("2026-W01");
  }

  @Test
  void aBackupKeptByManyRulesIsKeptOnceAndTheRulesAddUp() {
    // a year of daily backups at 01:00, then the usual schedule
    List<BackupId> backups = new ArrayList<>();
    Instant start = Instant.parse("2026-01-01T01:00:00Z");
    for (int day = 0; day < 365; day++) {
      backups.add(at(start.plus(Duration.ofDays(day)).toString()));
    }

    GfsSelection s = new GfsPolicy(0, 7, 4, 12, 3).select(backups);

    List<String> keptDays = kept(s).stream().map(id -> id.value().substring(0, 8)).toList();
    // 7 days (Dec 25-31), the Sundays of the 3 weeks before that of Dec 31 (Dec 27 already is),
    // month ends Jan-Nov (December is the current month), and 2026 has been counted already.
    assertThat(keptDays)
        .containsExactly(
            "20260131",
            "20260228",
            "20260331",
            "20260430",
            "20260531",
            "20260630",
            "20260731",
            "20260831",
            "20260930",
            "20261031",
            "20261130",
            "20261213",
            "20261220",
            "20261225",
            "20261226",
            "20261227",
            "20261228",
            "20261229",
            "20261230",
            "20261231");
    assertThat(s.kept().size() + s.deleted().size()).isEqualTo(365);
    assertThat(reasons(s).get(backups.get(364).value()))
        .containsExactly(
            "newest", "daily 2026-12-31", "weekly 2026-W53", "monthly 2026-12", "yearly 2026");
  }

  @Test
  void theSelectionDependsOnlyOnTheSetOfBackups() {
    List<BackupId> backups = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      backups.add(
          at(Instant.parse("2026-03-01T00:00:00Z").plus(Duration.ofHours(7L * i)).toString()));
    }
    GfsPolicy policy = new GfsPolicy(3, 4, 2, 1, 0);
    GfsSelection sorted = policy.select(backups);
    List<BackupId> shuffled = new ArrayList<>(backups);
    Collections.shuffle(shuffled, new java.util.Random(7));

    assertThat(policy.select(shuffled)).isEqualTo(sorted);
    assertThatThrownBy(() -> policy.select(List.of(backups.get(0), backups.get(0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void backupsStartedInTheSameSecondAreOrderedByTheirIds() {
    BackupId first = at("2026-11-30T19:06:00Z", "aaaaab");
    BackupId second = at("2026-11-30T19:06:00Z", "zzzzzz");

    assertThat(kept(hourly(1).select(List.of(second, first)))).containsExactly(second);
  }
}
