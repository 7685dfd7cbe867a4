package org.pghardstorage.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes durations, sizes, shares and moments for people to read. */
final class Formats {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Formats() {}

  /**
   * Whole seconds in the two largest units that apply: {@code 42 s}, {@code 5 min 3 s}, {@code 3 h
   * 12 min}, {@code 2 d 4 h}. A negative one (a clock ahead of this server's) keeps its sign, so
   * the page shows the skew rather than a small figure.
   */
  static String duration(long seconds) {
    if (seconds < 0 && seconds != Long.MIN_VALUE) {
      return "-" + duration(-seconds);
    }
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
    return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
  }

  /** Seconds with a tenth under a minute ({@code 0.1 s}), else as {@link #duration(long)}. */
  static String seconds(double seconds) {
    if (seconds < 60 && seconds > -60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    return duration((long) seconds);
  }

  /**
   * Bytes in binary units with one decimal above 1 KiB: {@code 512 B}, {@code 1.5 MiB}. A negative
   * figure keeps its sign.
   */
  static String bytes(long bytes) {
    if (bytes < 0 && bytes != Long.MIN_VALUE) {
      return "-" + bytes(-bytes);
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  /** A share from 0 to 1 as a percentage with one decimal: {@code 35.7 %}. */
  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }

  /** A moment in UTC to the second: {@code 2026-12-05 13:00:00 UTC}. */
  static String instant(Instant at) {
    return UTC.format(at);
  }
}
