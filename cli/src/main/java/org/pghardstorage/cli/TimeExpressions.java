package org.pghardstorage.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Times as an operator types them at 3am: RFC 3339 ({@code 2026-11-30T02:40:00Z}), PostgreSQL's
 * style ({@code 2026-11-30 02:40:00+00}, fractions allowed; without an offset the time is UTC), or
 * a phrase ({@code now}, {@code 5 minutes ago}, {@code 2h ago}).
 */
final class TimeExpressions {
  private static final DateTimeFormatter PG_STYLE =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendPattern("yyyy-MM-dd")
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendPattern("HH:mm")
          .optionalStart()
          .appendPattern(":ss")
          .optionalEnd()
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:mm", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private static final Pattern AGO =
      Pattern.compile(
          "(\\d+)\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)\\s+ago",
          Pattern.CASE_INSENSITIVE);

  private TimeExpressions() {}

  static Instant parse(String text, Clock clock) {
    String t = text.strip();
    if (t.equalsIgnoreCase("now")) {
      return clock.instant();
    }
    Matcher m = AGO.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration unit =
          switch (m.group(2).toLowerCase(Locale.ROOT).charAt(0)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
          };
      return clock.instant().minus(unit.multipliedBy(n));
    }
    try {
      var parsed = PG_STYLE.parseBest(t, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime o) {
        return o.toInstant();
      }
      return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new HardstorageException(
          "usage.bad_time",
          ExitCode.USAGE,
          "cannot read the time '" + text + "'",
          "use RFC 3339 (2026-11-30T02:40:00Z), '2026-11-30 02:40:00+00', or '5 minutes ago'");
    }
  }
}
