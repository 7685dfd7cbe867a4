package org.pghardstorage.cli;

import java.util.Locale;

/** Counts and shares for people: "1 WAL segment", "2 WAL segments", "dedup 99.9%". */
public final class Counts {
  private Counts() {}

  /** {@code n} and the noun, plural with an "s" unless {@code n} is 1: {@code 1 pack}. */
  public static String of(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }

  /**
   * A share in [0, 1] as a percentage with one decimal that never rounds to a claim it does not
   * make: only a share of exactly 1 prints {@code 100%} and only 0 prints {@code 0%}, so a backup
   * that stored new bytes never shows "dedup 100%".
   */
  public static String percent(double share) {
    if (share >= 1) {
      return "100%";
    }
    if (share <= 0) {
      return "0%";
    }
    // rounded down (the epsilon absorbs binary fractions such as 0.999 * 1000 = 998.99...), and
    // never to 100.0%: 99.96% prints 99.9%
    long tenths = Math.min(999, (long) Math.floor(share * 1000 + 1e-6));
    return tenths == 0 ? "<0.1%" : String.format(Locale.ROOT, "%.1f%%", tenths / 10.0);
  }
}
