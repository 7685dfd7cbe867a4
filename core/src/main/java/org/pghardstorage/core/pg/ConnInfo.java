package org.pghardstorage.core.pg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A parsed, validated libpq connection string with libpq's environment defaults applied. Accepts
 * {@code key=value} strings and {@code postgresql://} / {@code postgres://} URIs, several hosts
 * separated by commas, and the keywords {@code host, hostaddr, port, user, dbname, password,
 * passfile, sslmode, sslrootcert, sslcert, sslkey, application_name, connect_timeout, require_auth,
 * channel_binding}; anything else is refused rather than silently ignored.
 *
 * <p>Differences from libpq, on purpose: Unix-domain sockets are not supported (we speak TCP only),
 * so the default host is {@code localhost}, not a socket directory. Without {@code require_auth}
 * the server may not ask for the password in cleartext or as MD5 ({@link RequireAuth#DEFAULT});
 * libpq's default allows both. {@code channel_binding=require} with {@code sslmode=disable} is
 * refused when parsed, since it can never connect.
 *
 * <p>{@link #toString()} and {@link #redacted()} mask the password; no accessor returns it.
 */
public final class ConnInfo {
  static final String DEFAULT_HOST = "localhost";
  static final int DEFAULT_PORT = 5432;

  private final Map<String, String> values;
  private final PgEnvironment environment;
  private final List<Endpoint> endpoints;

  private ConnInfo(Map<String, String> values, PgEnvironment environment) {
    this.values = Collections.unmodifiableMap(values);
    this.environment = environment;
    this.endpoints = buildEndpoints();
    validate();
  }

  /** Parses {@code conninfo} with defaults from the real process environment. */
  public static ConnInfo parse(String conninfo) {
    return parse(conninfo, PgEnvironment.system());
  }

  /**
   * Parses {@code conninfo}, taking unset values from {@code environment} as libpq does ({@code
   * PGHOST}, {@code PGHOSTADDR}, {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}, {@code
   * PGPASSWORD}, {@code PGPASSFILE}, {@code PGSSLMODE}, {@code PGSSLROOTCERT}, {@code PGSSLCERT},
   * {@code PGSSLKEY}, {@code PGAPPNAME}, {@code PGCONNECT_TIMEOUT}, {@code PGREQUIREAUTH}, {@code
   * PGCHANNELBINDING}).
   *
   * @throws HardstorageException with code {@code pg.conninfo_invalid} and exit USAGE, naming the
   *     offending keyword or value (never a password)
   */
  public static ConnInfo parse(String conninfo, PgEnvironment environment) {
    Objects.requireNonNull(conninfo, "conninfo");
    Objects.requireNonNull(environment, "environment");
    Map<String, String> values = new LinkedHashMap<>();
    ConnInfoParser.parse(conninfo)
        .forEach(
            (k, v) -> {
              if (!v.isEmpty()) {
                values.put(k, v);
              }
            });
    applyEnvironment(values, environment);
    return new ConnInfo(values, environment);
  }

  private static void applyEnvironment(Map<String, String> values, PgEnvironment env) {
    String[][] defaults = {
      {"host", "PGHOST"},
      {"hostaddr", "PGHOSTADDR"},
      {"port", "PGPORT"},
      {"user", "PGUSER"},
      {"dbname", "PGDATABASE"},
      {"password", "PGPASSWORD"},
      {"passfile", "PGPASSFILE"},
      {"sslmode", "PGSSLMODE"},
      {"sslrootcert", "PGSSLROOTCERT"},
      {"sslcert", "PGSSLCERT"},
      {"sslkey", "PGSSLKEY"},
      {"application_name", "PGAPPNAME"},
      {"connect_timeout", "PGCONNECT_TIMEOUT"},
      {"require_auth", "PGREQUIREAUTH"},
      {"channel_binding", "PGCHANNELBINDING"},
    };
    for (String[] d : defaults) {
      if (!values.containsKey(d[0])) {
        env.get(d[1]).ifPresent(v -> values.put(d[0], v));
      }
    }
  }

  private List<Endpoint> buildEndpoints() {
    List<String> hosts = split(values.get("host"));
    List<String> addrs = split(values.get("hostaddr"));
    List<String> ports = split(values.get("port"));
    if (!hosts.isEmpty() && !addrs.isEmpty() && hosts.size() != addrs.size()) {
      throw ConnInfoParser.invalid(
          "could not match " + hosts.size() + " host names to " + addrs.size() + " hostaddr values",
          "give one hostaddr per host, or none");
    }
    int count = Math.max(Math.max(hosts.size(), addrs.size()), 1);
    if (ports.size() > 1 && ports.size() != count) {
      throw ConnInfoParser.invalid(
          "could not match " + ports.size() + " port numbers to " + count + " hosts",
          "give one port for all hosts, or one per host");
    }
    List<Endpoint> result = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Optional<String> addr = addrs.isEmpty() ? Optional.empty() : Optional.of(addrs.get(i));
      String host = hosts.isEmpty() ? addr.orElse(DEFAULT_HOST) : hosts.get(i);
      if (host.isEmpty()) {
        host = addr.orElse(DEFAULT_HOST);
      }
      if (host.startsWith("/") || host.startsWith("@")) {
        throw ConnInfoParser.invalid(
            "host \"" + host + "\" is a Unix-domain socket directory, which is not supported",
            "connect over TCP, for example host=127.0.0.1");
      }
      String portText = ports.isEmpty() ? "" : ports.get(ports.size() == 1 ? 0 : i);
      result.add(new Endpoint(host, addr.filter(a -> !a.isEmpty()), parsePort(portText)));
    }
    return List.copyOf(result);
  }

  private static int parsePort(String text) {
    if (text.isEmpty()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below, which names the value
    }
    throw ConnInfoParser.invalid(
        "invalid port number \"" + text + "\"", "use a TCP port between 1 and 65535");
  }

  private static List<String> split(String list) {
    return list == null ? List.of() : List.of(list.split(",", -1));
  }

  private void validate() {
    get("sslmode").ifPresent(SslMode::parse);
    connectTimeout();
    requireAuth();
    if (channelBinding() == ChannelBinding.REQUIRE && sslMode() == SslMode.DISABLE) {
      throw ConnInfoParser.invalid(
          "channel_binding=require needs TLS, but sslmode=disable never uses it",
          "use sslmode=require (or verify-full) with channel_binding=require");
    }
  }

  private Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** The servers to try, in order; at least one. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The role to connect as: {@code user}, {@code PGUSER} or the operating-system user. */
  public String user() {
    return get("user").orElse(environment.osUserName());
  }

  /** The database: {@code dbname}, {@code PGDATABASE} or the role name. */
  public String dbname() {
    return get("dbname").orElse(user());
  }

  /** Whether a password was given in the string or {@code PGPASSWORD} (never the password). */
  public boolean hasExplicitPassword() {
    return values.containsKey("password");
  }

  /** {@code sslmode}, {@code PGSSLMODE} or {@link SslMode#PREFER}. */
  public SslMode sslMode() {
    return get("sslmode").map(SslMode::parse).orElse(SslMode.PREFER);
  }

  /**
   * {@code require_auth} or {@code PGREQUIREAUTH}; {@link RequireAuth#DEFAULT} ({@code
   * scram-sha-256,none}) when neither is set.
   */
  public RequireAuth requireAuth() {
    return get("require_auth").map(RequireAuth::parse).orElse(RequireAuth.DEFAULT);
  }

  /** {@code channel_binding}, {@code PGCHANNELBINDING} or {@link ChannelBinding#PREFER}. */
  public ChannelBinding channelBinding() {
    return get("channel_binding").map(ChannelBinding::parse).orElse(ChannelBinding.PREFER);
  }

  /**
   * {@code sslrootcert} as written: a PEM file, or {@code system} for the JDK's trust store. Empty
   * means libpq's default {@code ~/.postgresql/root.crt}, see {@link #defaultSslRootCert()}.
   */
  public Optional<String> sslRootCert() {
    return get("sslrootcert");
  }

  /** libpq's default root certificate file, {@code ~/.postgresql/root.crt}. */
  public Path defaultSslRootCert() {
    return environment.homeDirectory().resolve(".postgresql").resolve("root.crt");
  }

  /**
   * The client certificate file: {@code sslcert} or libpq's {@code ~/.postgresql/postgresql.crt}.
   */
  public Path sslCert() {
    return get("sslcert")
        .map(Path::of)
        .orElse(environment.homeDirectory().resolve(".postgresql").resolve("postgresql.crt"));
  }

  /** Whether {@code sslcert} was given explicitly (then a missing file is an error). */
  public boolean hasExplicitSslCert() {
    return values.containsKey("sslcert");
  }

  /** The client key file: {@code sslkey} or libpq's {@code ~/.postgresql/postgresql.key}. */
  public Path sslKey() {
    return get("sslkey")
        .map(Path::of)
        .orElse(environment.homeDirectory().resolve(".postgresql").resolve("postgresql.key"));
  }

  /** {@code application_name} or {@code PGAPPNAME}. */
  public Optional<String> applicationName() {
    return get("application_name");
  }

  /**
   * The connect timeout per address; empty means wait as long as the operating system does. Like
   * libpq, zero or negative means no timeout and 1 second is raised to 2.
   */
  public Optional<Duration> connectTimeout() {
    Optional<String> text = get("connect_timeout");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    long seconds;
    try {
      seconds = Long.parseLong(text.get().trim());
    } catch (NumberFormatException e) {
      throw ConnInfoParser.invalid(
          "invalid integer value \"" + text.get() + "\" for connection option \"connect_timeout\"",
          "give the timeout in whole seconds");
    }
    if (seconds <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofSeconds(Math.max(seconds, 2)));
  }

  /** The password file: {@code passfile}, {@code PGPASSFILE} or {@code ~/.pgpass}. */
  public Path passFile() {
    return get("passfile").map(Path::of).orElse(environment.homeDirectory().resolve(".pgpass"));
  }

  /**
   * The password to send to {@code endpoint}: the one given in the string or {@code PGPASSWORD},
   * else the first matching {@code .pgpass} line. For a physical replication connection the
   * password file's database field is matched against {@code replication}, as libpq clients do.
   */
  Optional<String> passwordFor(Endpoint endpoint, ReplicationMode mode) {
    Optional<String> explicit = get("password");
    if (explicit.isPresent()) {
      return explicit;
    }
    String db = mode == ReplicationMode.PHYSICAL ? "replication" : dbname();
    return PgPassFile.lookup(passFile(), endpoint.host(), endpoint.port(), db, user());
  }

  /** A copy with another database name. */
  public ConnInfo withDbname(String dbname) {
    return with("dbname", dbname);
  }

  /** A copy with another application name. */
  public ConnInfo withApplicationName(String applicationName) {
    return with("application_name", applicationName);
  }

  /**
   * A copy without the password (from the string or {@code PGPASSWORD}); {@link #redacted()} of it
   * is then a complete connection string that is safe to write to a configuration file. The
   * password file is still consulted when connecting.
   */
  public ConnInfo withoutPassword() {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.remove("password");
    return new ConnInfo(copy, environment);
  }

  /**
   * A copy with {@code password} in place of any given in the string or {@code PGPASSWORD}: for a
   * password that came from somewhere else (a prompt, a password file). No string is built from it.
   */
  public ConnInfo withPassword(String password) {
    return with("password", password);
  }

  private ConnInfo with(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, Objects.requireNonNull(value, key));
    return new ConnInfo(copy, environment);
  }

  /**
   * The effective settings as a {@code key=value} string with the password shown as {@code
   * ********}, safe for logs.
   */
  public String redacted() {
    StringBuilder sb = new StringBuilder();
    Map<String, String> shown = new LinkedHashMap<>(values);
    shown.putIfAbsent("user", user());
    shown.putIfAbsent("dbname", dbname());
    shown.putIfAbsent("sslmode", sslMode().keyword());
    shown.forEach(
        (key, value) -> {
          if (sb.length() > 0) {
            sb.append(' ');
          }
          sb.append(key).append('=');
          sb.append(key.equals("password") ? "********" : quote(value));
        });
    return sb.toString();
  }

  private static String quote(String value) {
    boolean plain =
        !value.isEmpty()
            && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '\\');
    if (plain) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Same as {@link #redacted()}: never reveals the password. */
  @Override
  public String toString() {
    return redacted();
  }
}
