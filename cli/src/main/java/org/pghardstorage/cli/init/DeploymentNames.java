package org.pghardstorage.cli.init;

import java.util.Locale;
import java.util.Set;
import org.pghardstorage.core.repo.Deployment;

/** A deployment name derived from where the server is, for when the operator gives none. */
public final class DeploymentNames {
  private static final Set<String> LOCAL = Set.of("127.0.0.1", "localhost", "::1", "[::1]");
  private static final String FALLBACK = "db";

  private DeploymentNames() {}

  /**
   * {@code local} for a server on this host, else the host's first name label ({@code db1} for
   * {@code db1.example.com}); with {@code -PORT} appended for a port other than 5432.
   */
  public static String derive(String host, int port) {
    String base = LOCAL.contains(host.toLowerCase(Locale.ROOT)) ? "local" : label(host);
    String name = port == PostgresDetector.DEFAULT_PORT ? base : base + "-" + port;
    return Deployment.isValid(name) ? name : FALLBACK;
  }

  private static String label(String host) {
    String first = host.matches("[0-9.]+") ? host : host.split("\\.")[0];
    String cleaned =
        first.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-").replaceAll("^[-_]+", "");
    if (cleaned.length() > 50) {
      cleaned = cleaned.substring(0, 50);
    }
    return cleaned.isEmpty() ? FALLBACK : cleaned;
  }
}
