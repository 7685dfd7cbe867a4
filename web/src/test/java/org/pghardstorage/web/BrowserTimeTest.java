package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The planner's local time in the browser's zone becomes exactly one UTC instant, or is refused
 * where a clock change skips or repeats it (Europe/Berlin in 2026: 29 March 02:00 → 03:00, 25
 * October 03:00 → 02:00).
 */
class BrowserTimeTest {
  @Test
  void aLocalTimeIsTheInstantItNamesInTheBrowsersZone() {
    assertThat(BrowserTime.instant("2026-11-30T03:40", "Europe/Berlin"))
        .isEqualTo(Instant.parse("2026-11-30T02:40:00Z"));
    assertThat(BrowserTime.instant("2026-07-01T12:00:15", "Europe/Berlin"))
        .as("summer time is UTC+2")
        .isEqualTo(Instant.parse("2026-07-01T10:00:15Z"));
    assertThat(BrowserTime.instant(" 2026-07-01T12:00:15.250 ", "America/New_York"))
        .isEqualTo(Instant.parse("2026-07-01T16:00:15.250Z"));
    assertThat(BrowserTime.instant("2026-11-30T03:40", "+05:30"))
        .isEqualTo(Instant.parse("2026-11-29T22:10:00Z"));
    // just outside the changes, on both sides
    assertThat(BrowserTime.instant("2026-03-29T01:59:59", "Europe/Berlin"))
        .isEqualTo(Instant.parse("2026-03-29T00:59:59Z"));
    assertThat(BrowserTime.instant("2026-03-29T03:00", "Europe/Berlin"))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(BrowserTime.instant("2026-10-25T03:00", "Europe/Berlin"))
        .isEqualTo(Instant.parse("2026-10-25T02:00:00Z"));
  }

  @Test
  void withoutABrowserZoneTheTimeIsUtc() {
    assertThat(BrowserTime.instant("2026-11-30T03:40", ""))
        .isEqualTo(Instant.parse("2026-11-30T03:40:00Z"));
    assertThat(BrowserTime.instant("2026-11-30T03:40", null))
        .isEqualTo(Instant.parse("2026-11-30T03:40:00Z"));
    assertThat(
            RestorePlanner.timeUsed("2026-11-30T03:40", "", Instant.parse("2026-11-30T03:40:00Z")))
        .isEqualTo(
            "2026-11-30T03:40 in Z (no browser time zone was sent) is 2026-11-30T03:40:00Z (UTC),"
                + " the instant this plan recovers to");
    assertThat(
            RestorePlanner.timeUsed(
                "2026-11-30T03:40", "Europe/Berlin", Instant.parse("2026-11-30T02:40:00Z")))
        .isEqualTo(
            "2026-11-30T03:40 in Europe/Berlin is 2026-11-30T02:40:00Z (UTC), the instant this"
                + " plan recovers to");
  }

  @Test
  void aTimeTheClocksSkipIsRefusedNotMoved() {
    assertThatThrownBy(() -> BrowserTime.instant("2026-03-29T02:30", "Europe/Berlin"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("usage.bad_restore_plan");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the time 2026-03-29T02:30 does not exist in Europe/Berlin: the clocks went"
                          + " from 2026-03-29T02:00 straight to 2026-03-29T03:00 (UTC+01:00 to"
                          + " UTC+02:00)");
              assertThat(e.suggestion())
                  .hasValue(
                      "pick a time before 2026-03-29T02:00 or from 2026-03-29T03:00 on;"
                          + " 2026-03-29T01:00:00Z (UTC) is the moment of the change");
            });
  }

  @Test
  void aTimeThatHappenedTwiceIsRefusedNotGuessed() {
    assertThatThrownBy(() -> BrowserTime.instant("2026-10-25T02:30", "Europe/Berlin"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("usage.bad_restore_plan");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the time 2026-10-25T02:30 happened twice in Europe/Berlin: at UTC+02:00"
                          + " (2026-10-25T00:30:00Z) and, after the clocks went back, at"
                          + " UTC+01:00 (2026-10-25T01:30:00Z)");
              assertThat(e.suggestion().orElseThrow())
                  .startsWith("pick a time outside 2026-10-25T02:00 to 2026-10-25T03:00");
            });
  }

  @Test
  void aMissingOrMalformedTimeOrZoneIsRefusedNamingIt() {
    assertThatThrownBy(() -> BrowserTime.instant("", "Europe/Berlin"))
        .hasMessage("field time is missing or invalid: none given");
    assertThatThrownBy(() -> BrowserTime.instant("30.11.2026 03:40", "Europe/Berlin"))
        .hasMessage("field time is missing or invalid: \"30.11.2026 03:40\"");
    assertThatThrownBy(() -> BrowserTime.instant("2026-11-30T03:40", "Mars/Olympus"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo("field time zone is missing or invalid: \"Mars/Olympus\"");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            });
  }
}
