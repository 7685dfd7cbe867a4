package org.pghardstorage.cli;

/** Ages for people: "3 min ago". */
final class Durations {
  private Durations() {}

  static String ago(Long seconds) {
    if (seconds == null) {
      return "never";
    }
    long s = Math.max(0, seconds);
    if (s < 90) {
      return s + " s ago";
    }
    if (s < 90 * 60) {
      return (s / 60) + " min ago";
    }
    if (s < 36 * 3600) {
      return String.format("%.1f h ago", s / 3600.0);
    }
    return String.format("%.1f days ago", s / 86400.0);
  }
}
