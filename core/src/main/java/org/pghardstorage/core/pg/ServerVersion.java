package org.pghardstorage.core.pg;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@code server_version} strings into {@code server_version_num} numbers. */
final class ServerVersion {
  private static final Pattern VERSION = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

  private ServerVersion() {}

  /**
   * {@code 15.6 (Debian 15.6-0+deb12u1)} → 150006, {@code 16beta1} → 160000, {@code 18.0} → 180000.
   * Returns 0 for text that does not start with a version.
   */
  static int parseVersionNum(String serverVersion) {
    Matcher m = VERSION.matcher(serverVersion.trim());
    if (!m.find()) {
      return 0;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100;
  }
}
