package org.pghardstorage.cli.init;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;

/**
 * A probe over a scripted world: which addresses listen, and which roles get in with or without a
 * password (the engine does not hand the password back, so any given password counts).
 */
final class FakeProbe implements PostgresProbe {
  private final Set<String> listening = new HashSet<>();
  private final Map<String, Boolean> needsPassword = new HashMap<>();
  final List<String> connected = new ArrayList<>();

  FakeProbe listen(String host, int port) {
    listening.add(host + ":" + port);
    return this;
  }

  FakeProbe role(String role, boolean passwordRequired) {
    needsPassword.put(role, passwordRequired);
    return this;
  }

  @Override
  public boolean listening(String host, int port) {
    return listening.contains(host + ":" + port);
  }

  @Override
  public ServerInfo connect(ConnInfo ci) {
    var e = ci.endpoints().get(0);
    connected.add(e.host() + ":" + e.port() + " " + ci.user());
    if (!listening(e.host(), e.port())) {
      throw new HardstorageException(
          "pg.unreachable", ExitCode.UNREACHABLE, "connection refused at " + e.display(), null);
    }
    Boolean required = needsPassword.get(ci.user());
    if (required == null || (required && !ci.hasExplicitPassword())) {
      throw new HardstorageException(
          "pg.auth_failed",
          ExitCode.AUTHENTICATION,
          "password authentication failed for user \"" + ci.user() + "\"",
          null);
    }
    return new ServerInfo("16.4", 160004, "7000000000000000001");
  }
}
