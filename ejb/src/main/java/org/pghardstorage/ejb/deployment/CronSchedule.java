package org.pghardstorage.ejb.deployment;

import jakarta.ejb.ScheduleExpression;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A cron-like schedule, {@code minute hour day-of-month month day-of-week} (for example {@code 30 2
 * * * *} for 02:30 every day), as an EJB calendar expression. Each field takes what both cron and
 * EJB accept: {@code *}, numbers, lists {@code 1,15}, ranges {@code 1-5} and steps {@code *}{@code
 * /15}; day-of-week 0 and 7 are Sunday. Times are in the server's time zone.
 */
public final class CronSchedule {
  private static final String FIELD = "(\\*|\\d+(-\\d+)?)(/\\d+)?(,(\\d+(-\\d+)?)(/\\d+)?)*";

  private CronSchedule() {}

  /**
   * The calendar expression for {@code cron}.
   *
   * @throws HardstorageException {@code deployment.bad_schedule} (USAGE) for anything else
   */
  public static ScheduleExpression parse(String what, String cron) {
    String[] f = cron.trim().split("\\s+");
    if (f.length != 5) {
      throw bad(what, cron, "it has " + f.length + " fields, not 5");
    }
    for (String field : f) {
      if (!field.matches(FIELD)) {
        throw bad(
            what, cron, "field '" + field + "' is not *, a number, a list, a range or a step");
      }
    }
    return new ScheduleExpression()
        .second("0")
        .minute(f[0])
        .hour(f[1])
        .dayOfMonth(f[2])
        .month(f[3])
        .dayOfWeek(f[4]);
  }

  private static HardstorageException bad(String what, String cron, String why) {
    return new HardstorageException(
        "deployment.bad_schedule",
        ExitCode.USAGE,
        what + " '" + cron + "' is not a schedule: " + why,
        "write minute hour day-of-month month day-of-week, e.g. '30 2 * * *' for 02:30 daily");
  }
}
