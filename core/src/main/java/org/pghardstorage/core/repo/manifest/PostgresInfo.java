package org.pghardstorage.core.repo.manifest;

import java.util.Objects;

/**
 * The server a backup was taken from.
 *
 * @param versionNum {@code server_version_num}, e.g. 170002
 * @param version the {@code version()} string
 * @param systemIdentifier the cluster's system identifier, a uint64 in decimal
 */
public record PostgresInfo(int versionNum, String version, String systemIdentifier) {
  /** Validates the fields. */
  public PostgresInfo {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(systemIdentifier, "systemIdentifier");
    if (versionNum < 90000) {
      throw new IllegalArgumentException(
          "version_num " + versionNum + " is not a PostgreSQL version");
    }
    if (!isUint64(systemIdentifier)) {
      throw new IllegalArgumentException(
          "system_identifier '" + systemIdentifier + "' is not a non-zero decimal uint64");
    }
  }

  private static boolean isUint64(String text) {
    if (!text.matches("[1-9][0-9]{0,19}")) {
      return false;
    }
    try {
      Long.parseUnsignedLong(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
