package org.pghardstorage.cli.init;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.PgEnvironment;

/**
 * Finds a PostgreSQL to protect and a role that can back it up, without asking. Places, in order:
 * {@code PGHOST}/{@code PGPORT}; {@code 127.0.0.1:5432}; {@code [::1]:5432}; the ports of local
 * Debian/Ubuntu clusters. Roles, in order: {@code PGUSER}, else the OS user and {@code postgres}.
 * Passwords come from {@code PGPASSWORD} or the password file, as for every command. Everything
 * tried is kept, so that a failure can say what it tried.
 */
public final class PostgresDetector {
  static final int DEFAULT_PORT = 5432;
  static final String DEFAULT_DATABASE = "postgres";

  /**
   * A server and role that work.
   *
   * @param connInfo the connection settings, password included if one was given
   * @param server what the server said about itself
   * @param tried everything tried on the way, the successful attempt last
   */
  public record Detected(ConnInfo connInfo, ServerInfo server, List<Attempt> tried) {}

  private final Map<String, String> env;
  private final Path home;
  private final String osUser;
  private final PostgresProbe probe;
  private final Supplier<List<Candidate>> localClusters;

  /**
   * @param env the environment ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD},
   *     ...)
   * @param home the home directory, for {@code ~/.pgpass}
   * @param osUser the operating-system user name
   * @param probe how to look
   * @param localClusters clusters the host's packaging knows about, e.g. {@link
   *     DebianClusters#find()}
   */
  public PostgresDetector(
      Map<String, String> env,
      Path home,
      String osUser,
      PostgresProbe probe,
      Supplier<List<Candidate>> localClusters) {
    this.env = Map.copyOf(env);
    this.home = home;
    this.osUser = osUser;
    this.probe = probe;
    this.localClusters = localClusters;
  }

  /** The detector for this process: its environment, home and user, over the network. */
  public static PostgresDetector system() {
    return new PostgresDetector(
        System.getenv(),
        org.pghardstorage.core.pg.PgEnvironment.systemHome(),
        System.getProperty("user.name"),
        new NetworkProbe(),
        DebianClusters::find);
  }

  /** The connection settings of {@code conninfo}, with libpq's environment defaults applied. */
  public ConnInfo parse(String conninfo) {
    return ConnInfo.parse(conninfo, PgEnvironment.of(env, home, osUser));
  }

  /**
   * Checks a connection the operator named.
   *
   * @throws HardstorageException the server's refusal, its message saying what was tried
   */
  public Detected check(String conninfo, String source) {
    return check(parse(conninfo), source);
  }

  /**
   * Checks parsed connection settings (with a password added, say).
   *
   * @throws HardstorageException the server's refusal, its message saying what was tried
   */
  public Detected check(ConnInfo ci, String source) {
    String tried = ci.withoutPassword().redacted() + " (" + source + ")";
    try {
      ServerInfo server = probe.connect(ci);
      return new Detected(ci, server, List.of(new Attempt(tried, "connected")));
    } catch (HardstorageException e) {
      throw new HardstorageException(
          e.code(),
          e.exitCode(),
          "tried " + tried + ": " + e.getMessage(),
          e.suggestion().orElse(CONNECT_HINT),
          e);
    }
  }

  /**
   * Looks for a server and role, in the documented order.
   *
   * @throws HardstorageException {@code init.no_postgres} (UNREACHABLE) when nothing listens,
   *     {@code init.cannot_connect} (the refusal's exit code, typically AUTHENTICATION) when every
   *     role was refused; both list every attempt
   */
  public Detected detect() {
    List<Attempt> tried = new ArrayList<>();
    HardstorageException lastRefusal = null;
    for (Candidate c : candidates(tried)) {
      if (!probe.listening(c.host(), c.port())) {
        tried.add(new Attempt(c.address() + " (" + c.source() + ")", "nothing listening"));
        continue;
      }
      for (String role : roles()) {
        ConnInfo ci = parse(conninfo(c, role));
        String what = c.address() + " as " + role + " (" + c.source() + ")";
        try {
          ServerInfo server = probe.connect(ci);
          tried.add(new Attempt(what, "connected, PostgreSQL " + server.version()));
          return new Detected(ci, server, List.copyOf(tried));
        } catch (HardstorageException e) {
          tried.add(new Attempt(what, e.getMessage()));
          lastRefusal = preferred(lastRefusal, e);
        }
      }
    }
    throw failure(tried, lastRefusal);
  }

  /**
   * The connection to offer when detection found none that works: the first place it looks, as the
   * role it tries last ({@code PGUSER}, else {@code postgres}); without password.
   */
  public String suggestion() {
    List<String> r = roles();
    Candidate first = candidates(new ArrayList<>()).get(0);
    return parse(conninfo(first, r.get(r.size() - 1))).withoutPassword().redacted();
  }

  /** Where to look, in order, without duplicates; notes on skipped places go to {@code tried}. */
  List<Candidate> candidates(List<Attempt> tried) {
    Map<String, Candidate> byAddress = new LinkedHashMap<>();
    fromEnvironment(tried).ifPresent(c -> byAddress.putIfAbsent(c.address(), c));
    List<Candidate> defaults = new ArrayList<>();
    defaults.add(new Candidate("127.0.0.1", DEFAULT_PORT, "default port"));
    defaults.add(new Candidate("::1", DEFAULT_PORT, "default port, IPv6"));
    defaults.addAll(localClusters.get());
    defaults.forEach(c -> byAddress.putIfAbsent(c.address(), c));
    return List.copyOf(byAddress.values());
  }

  /** The roles to try, in order. */
  List<String> roles() {
    String pguser = env.get("PGUSER");
    if (pguser != null && !pguser.isBlank()) {
      return List.of(pguser);
    }
    Set<String> roles = new LinkedHashSet<>();
    roles.add(osUser);
    roles.add("postgres");
    return List.copyOf(roles);
  }

  private Optional<Candidate> fromEnvironment(List<Attempt> tried) {
    String host = env.get("PGHOST");
    String port = env.get("PGPORT");
    boolean hostSet = host != null && !host.isBlank();
    boolean portSet = port != null && !port.isBlank();
    if (!hostSet && !portSet) {
      tried.add(new Attempt("PGHOST/PGPORT", "not set"));
      return Optional.empty();
    }
    int p = DEFAULT_PORT;
    if (portSet) {
      try {
        p = Integer.parseInt(port.split(",")[0].strip());
      } catch (NumberFormatException e) {
        tried.add(new Attempt("PGPORT=" + port, "not a port number"));
        return Optional.empty();
      }
    }
    String h = hostSet ? host.split(",")[0].strip() : "127.0.0.1";
    if (h.startsWith("/") || h.startsWith("@")) {
      tried.add(
          new Attempt(
              "PGHOST=" + h,
              "a Unix-socket directory; pg_hardstorage connects over TCP only, trying 127.0.0.1"));
      h = "127.0.0.1";
    }
    return Optional.of(new Candidate(h, p, "PGHOST/PGPORT"));
  }

  private String conninfo(Candidate c, String role) {
    String db = env.getOrDefault("PGDATABASE", DEFAULT_DATABASE);
    return "host="
        + c.host()
        + " port="
        + c.port()
        + " user="
        + quote(role)
        + " dbname="
        + quote(db.isBlank() ? DEFAULT_DATABASE : db);
  }

  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** An authentication refusal says more about what to fix than a later, different one. */
  private static HardstorageException preferred(
      HardstorageException kept, HardstorageException next) {
    if (kept != null && kept.exitCode() == ExitCode.AUTHENTICATION) {
      return kept;
    }
    return next;
  }

  private static final String CONNECT_HINT =
      "connect as a role with REPLICATION (or a superuser) that pg_hba.conf lets in over TCP;"
          + " give its password in PGPASSWORD or ~/.pgpass";

  private static HardstorageException failure(List<Attempt> tried, HardstorageException refusal) {
    String list = String.join("; ", tried.stream().map(Attempt::toString).toList());
    if (refusal == null) {
      return new HardstorageException(
          "init.no_postgres",
          ExitCode.UNREACHABLE,
          "found no PostgreSQL listening on TCP; tried " + list,
          "start PostgreSQL with listen_addresses including 127.0.0.1 (pg_hardstorage speaks TCP"
              + " only), or pass --pg-connection \"host=... port=... user=... dbname=postgres\"");
    }
    return new HardstorageException(
        "init.cannot_connect",
        refusal.exitCode(),
        "PostgreSQL refused every role tried; tried " + list,
        CONNECT_HINT + "; or pass --pg-connection \"host=... user=... dbname=postgres\"",
        refusal);
  }
}
