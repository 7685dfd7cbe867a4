package org.pghardstorage.web;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.restore.RestorePlanning;

/**
 * The planner's time field: a local date-time as the browser's {@code datetime-local} input gives
 * it, in the browser's time zone (which the planner's script puts in a hidden field), made the one
 * UTC instant the plan recovers to. Without the zone (no script ran) the time is taken as UTC, and
 * the page says so. A local time that a clock change skips or repeats in that zone is refused: it
 * names no instant, or two, and the planner never picks one for the user.
 */
final class BrowserTime {
  private BrowserTime() {}

  /**
   * The instant {@code local} names in {@code zone}.
   *
   * @param local {@code yyyy-MM-ddTHH:mm}, optionally with seconds and fraction
   * @param zone an IANA time zone ({@code Europe/Berlin}) or offset ({@code +01:00}); blank for UTC
   * @throws HardstorageException {@code usage.bad_restore_plan} (USAGE) for a missing or malformed
   *     time or zone, or a local time that does not exist or exists twice in the zone
   */
  static Instant instant(String local, String zone) {
    String l = local == null ? "" : local.strip();
    LocalDateTime at;
    try {
      at = LocalDateTime.parse(l);
    } catch (DateTimeParseException e) {
      throw RestorePlanning.usage(
          "time", l.isEmpty() ? null : l, "a date and time, e.g. 2026-11-30T02:40 or 02:40:15");
    }
    ZoneId z = zone(zone);
    ZoneRules rules = z.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(at);
    if (offsets.size() == 1) {
      return at.toInstant(offsets.get(0));
    }
    ZoneOffsetTransition change = rules.getTransition(at);
    if (offsets.isEmpty()) {
      throw new HardstorageException(
          "usage.bad_restore_plan",
          ExitCode.USAGE,
          "the time "
              + l
              + " does not exist in "
              + z
              + ": the clocks went from "
              + change.getDateTimeBefore()
              + " straight to "
              + change.getDateTimeAfter()
              + " (UTC"
              + change.getOffsetBefore()
              + " to UTC"
              + change.getOffsetAfter()
              + ")",
          "pick a time before "
              + change.getDateTimeBefore()
              + " or from "
              + change.getDateTimeAfter()
              + " on; "
              + change.getInstant()
              + " (UTC) is the moment of the change");
    }
    throw new HardstorageException(
        "usage.bad_restore_plan",
        ExitCode.USAGE,
        "the time "
            + l
            + " happened twice in "
            + z
            + ": at UTC"
            + offsets.get(0)
            + " ("
            + at.toInstant(offsets.get(0))
            + ") and, after the clocks went back, at UTC"
            + offsets.get(1)
            + " ("
            + at.toInstant(offsets.get(1))
            + ")",
        "pick a time outside "
            + change.getDateTimeAfter()
            + " to "
            + change.getDateTimeBefore()
            + ", or plan by the API or the command line with the UTC instant you mean");
  }

  /** The zone the time is taken in: the browser's, or UTC when none was sent. */
  static ZoneId zone(String zone) {
    if (zone == null || zone.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(zone.strip());
    } catch (DateTimeException e) {
      throw RestorePlanning.usage(
          "time zone", zone, "an IANA time zone as the browser names it, e.g. Europe/Berlin");
    }
  }
}
