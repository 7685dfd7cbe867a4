package org.pghardstorage.core.wal;

import java.util.Objects;

/**
 * One finding of a preflight.
 *
 * @param name a stable dotted name, e.g. {@code wal_level}
 * @param status pass, warn or fail
 * @param detail what was found, with the values
 * @param suggestion what to do about a warning or failure, or null
 */
public record PreflightCheck(String name, Status status, String detail, String suggestion) {
  /** Outcome of a check. */
  public enum Status {
    PASS,
    WARN,
    FAIL
  }

  /** Validates the fields. */
  public PreflightCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }

  static PreflightCheck pass(String name, String detail) {
    return new PreflightCheck(name, Status.PASS, detail, null);
  }

  static PreflightCheck warn(String name, String detail, String suggestion) {
    return new PreflightCheck(name, Status.WARN, detail, suggestion);
  }

  static PreflightCheck fail(String name, String detail, String suggestion) {
    return new PreflightCheck(name, Status.FAIL, detail, suggestion);
  }
}
