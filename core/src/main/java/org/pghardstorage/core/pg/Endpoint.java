package org.pghardstorage.core.pg;

import java.util.Objects;
import java.util.Optional;

/**
 * One server to try: the host name (used for certificate checks and {@code .pgpass}), an optional
 * numeric address to connect to instead of resolving the name ({@code hostaddr}), and the port.
 *
 * @param host host name or address as the operator wrote it
 * @param hostaddr numeric address that overrides name resolution, if given
 * @param port TCP port
 */
public record Endpoint(String host, Optional<String> hostaddr, int port) {
  /** Validates the parts. */
  public Endpoint {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(hostaddr, "hostaddr");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid port " + port + ": must be 1..65535");
    }
  }

  /** {@code host:port}, with IPv6 literals in brackets, for messages. */
  public String display() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return hostaddr.filter(a -> !a.equals(host)).map(a -> h + " (" + a + ")").orElse(h)
        + ":"
        + port;
  }

  @Override
  public String toString() {
    return display();
  }
}
