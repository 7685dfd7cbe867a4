package org.pghardstorage.core.retention;

import java.util.Objects;

/**
 * Why a backup is kept: the newest backup overall, or the newest one in a period a rule keeps.
 *
 * @param rule {@code newest}, or a {@link Granularity#label()} such as {@code daily}
 * @param period the period kept, e.g. {@code 2026-11-30}; empty for {@code newest}
 */
public record KeepReason(String rule, String period) {
  /** The rule that always keeps the newest backup. */
  public static final String NEWEST = "newest";

  /** Validates the fields. */
  public KeepReason {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(period, "period");
  }

  /** The newest backup of the deployment. */
  public static KeepReason newest() {
    return new KeepReason(NEWEST, "");
  }

  /** The newest backup in {@code period} of {@code granularity}. */
  public static KeepReason of(Granularity granularity, String period) {
    return new KeepReason(granularity.label(), period);
  }

  /** {@code newest}, or rule and period, e.g. {@code daily 2026-11-30}. */
  @Override
  public String toString() {
    return period.isEmpty() ? rule : rule + " " + period;
  }
}
