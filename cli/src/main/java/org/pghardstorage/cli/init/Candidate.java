package org.pghardstorage.cli.init;

/**
 * A place a local PostgreSQL may listen on.
 *
 * @param host host name or address (TCP: our protocol client does not speak Unix sockets)
 * @param port TCP port
 * @param source why we look there, e.g. {@code PGHOST/PGPORT}
 */
public record Candidate(String host, int port, String source) {
  /** {@code host:port}, IPv6 literals in brackets. */
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
