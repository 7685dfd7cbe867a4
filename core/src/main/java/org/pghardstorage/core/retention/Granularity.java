package org.pghardstorage.core.retention;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * The calendar periods of a {@link GfsPolicy}, all in UTC, so that a schedule gives the same answer
 * on every host whatever its time zone or daylight-saving rules.
 */
public enum Granularity {
  /** A UTC clock hour, e.g. {@code 2026-11-30T19:00Z}. */
  HOURLY,
  /** A UTC calendar day, e.g. {@code 2026-11-30}. */
  DAILY,
  /**
   * An ISO-8601 week (Monday to Sunday, UTC) of its week-based year, e.g. {@code 2026-W49}. Around
   * New Year a week belongs to the year that holds its Thursday: 2027-01-01 lies in {@code
   * 2026-W53}.
   */
  WEEKLY,
  /** A UTC calendar month, e.g. {@code 2026-11}. */
  MONTHLY,
  /** A UTC calendar year, e.g. {@code 2026}. */
  YEARLY;

  /** The period holding {@code time}, as text that names it unambiguously. */
  public String period(Instant time) {
    LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    return switch (this) {
      case HOURLY ->
          String.format(
              Locale.ROOT,
              "%04d-%02d-%02dT%02d:00Z",
              t.getYear(),
              t.getMonthValue(),
              t.getDayOfMonth(),
              t.getHour());
      case DAILY ->
          String.format(
              Locale.ROOT, "%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
      case WEEKLY ->
          String.format(
              Locale.ROOT,
              "%04d-W%02d",
              t.get(IsoFields.WEEK_BASED_YEAR),
              t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTHLY -> String.format(Locale.ROOT, "%04d-%02d", t.getYear(), t.getMonthValue());
      case YEARLY -> String.format(Locale.ROOT, "%04d", t.getYear());
    };
  }

  /** The rule's name in plans and on the command line: {@code hourly} … {@code yearly}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
