package org.pghardstorage.cli.init;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.ReplicationConnection;

/** The real probe: a TCP connect, then a replication connection through the engine's client. */
public final class NetworkProbe implements PostgresProbe {
  private static final int MIN_VERSION_NUM = 150000;
  private static final int TCP_TIMEOUT_MILLIS = 1000;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), TCP_TIMEOUT_MILLIS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public ServerInfo connect(ConnInfo connInfo) {
    ConnectOptions options =
        ConnectOptions.replication()
            .withReadTimeout(READ_TIMEOUT)
            .withFallbackApplicationName("pg_hardstorage init");
    try (ReplicationConnection c = ReplicationConnection.open(connInfo, options)) {
      int num = c.connection().serverVersionNum();
      String version = c.connection().serverVersion();
      if (num < MIN_VERSION_NUM) {
        throw new HardstorageException(
            "init.unsupported_version",
            ExitCode.PREFLIGHT_REFUSED,
            "PostgreSQL " + version + " is older than 15",
            "pg_hardstorage protects PostgreSQL 15 to 18");
      }
      return new ServerInfo(version, num, c.identifySystem().systemId().toString());
    }
  }
}
