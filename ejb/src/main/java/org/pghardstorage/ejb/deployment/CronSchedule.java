package org.pghardstorage.ejb.deployment;

import jakarta.ejb.ScheduleExpression;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A cron-like schedule, {@code minute hour day-of-month month day-of-week} (for example {@code 30 2
 * * * *} for 02:30 every day), as an EJB calendar expression. A field is {@code *}, a number, a
 * range {@code 1-5} or a list of numbers and ranges {@code 1,15,20-25}; minute and hour also take a
 * step, {@code *}{@code /15} or {@code 5/15} (EJB calendars allow steps nowhere else, and no step
 * inside a list). Day-of-week 0 and 7 are Sunday. When day-of-month and day-of-week are both
 * restricted, a day matching either one matches, as in cron. Times are in the server's time zone.
 *
 * <p>{@link #occurrences} evaluates the same expression independently of the timer service, so the
 * scheduler can tell which occurrences passed while the server was down.
 */
public final class CronSchedule {
  private static final String LIST = "\\d+(-\\d+)?(,\\d+(-\\d+)?)*";
  private static final String PLAIN = "\\*|" + LIST;
  private static final String STEPPED = PLAIN + "|(\\*|\\d+)/\\d+";
  private static final String[] NAMES = {"minute", "hour", "day-of-month", "month", "day-of-week"};
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};

  /** The longest stretch {@link #occurrences} looks back over. */
  static final Duration HORIZON = Duration.ofDays(400);

  private final BitSet[] allowed = new BitSet[5];
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronSchedule(String[] f) {
    for (int i = 0; i < 5; i++) {
      allowed[i] = values(f[i], MIN[i], MAX[i]);
    }
    if (allowed[4].get(7)) {
      allowed[4].set(0);
    }
    anyDayOfMonth = f[2].equals("*");
    anyDayOfWeek = f[4].equals("*");
  }

  /**
   * The calendar expression for {@code cron}.
   *
   * @throws HardstorageException {@code deployment.bad_schedule} (USAGE) for anything else
   */
  public static ScheduleExpression parse(String what, String cron) {
    String[] f = fields(what, cron);
    return new ScheduleExpression()
        .second("0")
        .minute(f[0])
        .hour(f[1])
        .dayOfMonth(f[2])
        .month(f[3])
        .dayOfWeek(f[4]);
  }

  /**
   * When a schedule was due: the occurrences of {@code cron} after {@code after} and at or before
   * {@code until}, in {@code zone}, counted. Looks back at most {@link #HORIZON}.
   *
   * @throws HardstorageException {@code deployment.bad_schedule} if {@code cron} is not a schedule
   */
  public static Due occurrences(String cron, Instant after, Instant until, ZoneId zone) {
    CronSchedule c = new CronSchedule(fields("schedule", cron));
    Instant from = after.isBefore(until.minus(HORIZON)) ? until.minus(HORIZON) : after;
    ZonedDateTime t = from.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    int count = 0;
    Instant first = null;
    Instant last = null;
    while (!t.toInstant().isAfter(until)) {
      if (!c.dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!c.allowed[1].get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else {
        if (c.allowed[0].get(t.getMinute()) && t.toInstant().isAfter(after)) {
          count++;
          first = first == null ? t.toInstant() : first;
          last = t.toInstant();
        }
        t = t.plusMinutes(1);
      }
    }
    return new Due(count, first, last);
  }

  /**
   * Occurrences of a schedule in a stretch of time.
   *
   * @param count how many
   * @param first the earliest, or null if none
   * @param last the latest, or null if none
   */
  public record Due(int count, Instant first, Instant last) {}

  private boolean dayMatches(ZonedDateTime t) {
    if (!allowed[3].get(t.getMonthValue())) {
      return false;
    }
    boolean dom = allowed[2].get(t.getDayOfMonth());
    boolean dow = allowed[4].get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  private static String[] fields(String what, String cron) {
    String[] f = cron.trim().split("\\s+");
    if (f.length != 5) {
      throw bad(what, cron, "it has " + f.length + " fields, not 5");
    }
    for (int i = 0; i < 5; i++) {
      if (!f[i].matches(i < 2 ? STEPPED : PLAIN)) {
        throw bad(
            what,
            cron,
            NAMES[i]
                + " field '"
                + f[i]
                + "' is not *, a number, a range or a list"
                + (i < 2 ? " or a step" : " (steps are for minute and hour only)"));
      }
      try {
        values(f[i], MIN[i], MAX[i]);
      } catch (IllegalArgumentException e) {
        throw bad(what, cron, NAMES[i] + " field '" + f[i] + "': " + e.getMessage());
      }
    }
    return f;
  }

  /** The values a field allows; a range whose start exceeds its end wraps, as in EJB. */
  private static BitSet values(String field, int min, int max) {
    BitSet b = new BitSet(max + 1);
    if (field.contains("/")) {
      String[] s = field.split("/");
      int start = s[0].equals("*") ? min : number(s[0], min, max);
      int step = Integer.parseInt(s[1]);
      if (step < 1) {
        throw new IllegalArgumentException("a step must be at least 1");
      }
      for (int v = start; v <= max; v += step) {
        b.set(v);
      }
      return b;
    }
    if (field.equals("*")) {
      b.set(min, max + 1);
      return b;
    }
    for (String item : field.split(",")) {
      String[] r = item.split("-");
      int lo = number(r[0], min, max);
      int hi = r.length > 1 ? number(r[1], min, max) : lo;
      if (lo <= hi) {
        b.set(lo, hi + 1);
      } else {
        b.set(lo, max + 1);
        b.set(min, hi + 1);
      }
    }
    return b;
  }

  private static int number(String s, int min, int max) {
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(s + " is not a number");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(v + " is outside " + min + "-" + max);
    }
    return v;
  }

  private static HardstorageException bad(String what, String cron, String why) {
    return new HardstorageException(
        "deployment.bad_schedule",
        ExitCode.USAGE,
        what + " '" + cron + "' is not a schedule: " + why,
        "write minute hour day-of-month month day-of-week, e.g. '30 2 * * *' for 02:30 daily");
  }
}
