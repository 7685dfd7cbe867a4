package org.pghardstorage.core.pg;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link PgConnection}: tries each host and each of its addresses in order (libpq's
 * multi-host behaviour), with {@code connect_timeout} per address, negotiates TLS per {@code
 * sslmode} (including the plain/TLS retries of {@code allow} and {@code prefer}) and runs startup.
 *
 * <p>Moving on to the next address happens for network failures and for server answers that say
 * "not now" (too many connections, starting up); an authentication failure is final, because every
 * server of a cluster would say the same.
 */
final class Connector {
  private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

  private enum Tls {
    NEVER,
    IF_OFFERED,
    REQUIRED
  }

  private final ConnInfo info;
  private final ConnectOptions options;

  private Connector(ConnInfo info, ConnectOptions options) {
    this.info = info;
    this.options = options;
  }

  static PgConnection connect(ConnInfo info, ConnectOptions options) {
    return new Connector(info, options).connect();
  }

  private PgConnection connect() {
    List<HardstorageException> failures = new ArrayList<>();
    for (Endpoint endpoint : info.endpoints()) {
      List<InetAddress> addresses;
      try {
        addresses = resolve(endpoint);
      } catch (HardstorageException e) {
        failures.add(e);
        continue;
      }
      for (InetAddress address : addresses) {
        try {
          return connectWithSslMode(endpoint, new InetSocketAddress(address, endpoint.port()));
        } catch (HardstorageException e) {
          if (e.exitCode() != ExitCode.UNREACHABLE) {
            throw e;
          }
          LOG.debug(
              "connecting to {} ({}) failed: {}", endpoint.display(), address, e.getMessage());
          failures.add(e);
        }
      }
    }
    if (failures.size() == 1) {
      throw failures.get(0);
    }
    HardstorageException all =
        new HardstorageException(
            "pg.unreachable",
            ExitCode.UNREACHABLE,
            "could not connect to any PostgreSQL server: "
                + String.join("; ", failures.stream().map(Throwable::getMessage).toList()),
            failures.get(failures.size() - 1).suggestion().orElse(null));
    failures.forEach(all::addSuppressed);
    throw all;
  }

  private List<InetAddress> resolve(Endpoint endpoint) {
    String name = endpoint.hostaddr().orElse(endpoint.host());
    try {
      return List.of(InetAddress.getAllByName(name));
    } catch (UnknownHostException e) {
      throw PgErrors.unreachable(
          endpoint.display(), "could not translate host name \"" + name + "\" to an address", e);
    }
  }

  private PgConnection connectWithSslMode(Endpoint endpoint, InetSocketAddress address) {
    return switch (info.sslMode()) {
      case DISABLE -> attempt(endpoint, address, Tls.NEVER);
      case ALLOW -> {
        try {
          yield attempt(endpoint, address, Tls.NEVER);
        } catch (PgServerException e) {
          // libpq's allow: a server that refuses a plain session may accept an encrypted one.
          LOG.debug(
              "plain connection to {} refused ({}); retrying with TLS", endpoint, e.sqlState());
          yield attempt(endpoint, address, Tls.REQUIRED);
        }
      }
      case PREFER -> {
        try {
          yield attempt(endpoint, address, Tls.IF_OFFERED);
        } catch (TlsStartupRefused e) {
          // libpq's prefer: the server refused the TLS session (e.g. hostnossl): try plain.
          LOG.debug(
              "TLS session to {} refused ({}); retrying without TLS",
              endpoint,
              e.getCause().getMessage());
          yield attempt(endpoint, address, Tls.NEVER);
        }
      }
      case REQUIRE, VERIFY_CA, VERIFY_FULL -> attempt(endpoint, address, Tls.REQUIRED);
    };
  }

  /** A server error during startup over TLS in prefer mode: the caller retries without TLS. */
  private static final class TlsStartupRefused extends HardstorageException {
    private static final long serialVersionUID = 1L;

    TlsStartupRefused(PgServerException cause) {
      super(
          cause.code(),
          cause.exitCode(),
          cause.getMessage(),
          cause.suggestion().orElse(null),
          cause);
    }
  }

  private PgConnection attempt(Endpoint endpoint, InetSocketAddress address, Tls tls) {
    String peer = endpoint.display();
    Duration connectTimeout = info.connectTimeout().orElse(Duration.ZERO);
    Socket socket = new Socket();
    boolean encrypted = false;
    try {
      try {
        socket.connect(address, (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        // connect_timeout bounds the whole startup, as in libpq, not only the TCP connect.
        socket.setSoTimeout((int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
      } catch (SocketTimeoutException e) {
        throw PgErrors.timeout(peer, "connecting to", e);
      } catch (IOException e) {
        throw PgErrors.unreachable(peer, e.getMessage(), e);
      }
      if (tls != Tls.NEVER) {
        if (TlsUpgrade.requestTls(socket, peer)) {
          socket = TlsUpgrade.handshake(socket, endpoint, info);
          encrypted = true;
        } else if (tls == Tls.REQUIRED) {
          throw new HardstorageException(
              "pg.tls_unavailable",
              ExitCode.UNREACHABLE,
              "server at "
                  + peer
                  + " does not support SSL, but sslmode="
                  + info.sslMode().keyword()
                  + " requires it",
              "enable ssl on the server, or use sslmode=prefer to allow unencrypted connections");
        }
      }
      PgConnection connection =
          new PgConnection(
              Transport.of(socket, peer),
              endpoint,
              Optional.of(address),
              connectTimeout,
              info.user(),
              options.replicationMode());
      try {
        connection.startup(
            startupParameters(),
            () -> info.passwordFor(endpoint, options.replicationMode()),
            StartupHandshake.Policy.of(info));
      } catch (PgServerException e) {
        connection.close();
        if (encrypted && tls == Tls.IF_OFFERED) {
          throw new TlsStartupRefused(e);
        }
        throw e;
      }
      connection.setReadTimeout(options.readTimeout());
      LOG.debug("connected to {} as {} ({})", peer, info.user(), encrypted ? "TLS" : "plain");
      return connection;
    } catch (RuntimeException e) {
      try {
        socket.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  private Map<String, String> startupParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("user", info.user());
    // A physical walsender has no database; libpq clients send none either.
    if (options.replicationMode() != ReplicationMode.PHYSICAL) {
      p.put("database", info.dbname());
    }
    p.put("application_name", info.applicationName().orElse(options.fallbackApplicationName()));
    p.put("client_encoding", "UTF8");
    Optional.ofNullable(options.replicationMode().startupValue())
        .ifPresent(v -> p.put("replication", v));
    return p;
  }
}
