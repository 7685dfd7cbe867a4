package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One real PostgreSQL cluster on 127.0.0.1, owned by {@link OsUser#service()}. Created by {@link
 * #builder(int)}, it runs until {@link #close()} (or JVM exit). The superuser is {@code postgres}
 * with a random password; host connections use SCRAM-SHA-256.
 */
public final class PgCluster implements AutoCloseable {
  private static final Duration START_LIMIT = Duration.ofMinutes(3);

  private final PgDistribution dist;
  private final Path dir;
  private final Path dataDir;
  private final int port;
  private final String password;
  private final OsUser owner;
  private Path ownedBase;
  private volatile boolean running;

  private PgCluster(PgDistribution dist, Path dir, Path dataDir, int port, String password) {
    this.dist = dist;
    this.dir = dir;
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
    this.owner = OsUser.service();
  }

  /** A builder for a new cluster of PostgreSQL {@code major}. */
  public static Builder builder(int major) {
    return new Builder(major);
  }

  /**
   * Adopts an existing data directory (a restored backup, say), gives it to the cluster user, sets
   * its port, and starts it. Recovery settings already in the directory are kept.
   */
  public static PgCluster startExisting(
      int major, Path dataDir, String superuserPassword, Map<String, String> settings) {
    return startExisting(PgDistribution.of(major), dataDir, superuserPassword, settings);
  }

  /** As {@link #startExisting(int, Path, String, Map)}, with the binaries of {@code dist}. */
  public static PgCluster startExisting(
      PgDistribution dist, Path dataDir, String superuserPassword, Map<String, String> settings) {
    PgCluster c = adoptExisting(dist, dataDir, superuserPassword, settings);
    c.start();
    return c;
  }

  /**
   * Prepares an existing data directory like {@link #startExisting(int, Path, String, Map)} without
   * starting it, for tests that expect the start (or the recovery after it) to fail and then read
   * {@link #logTail()}.
   */
  public static PgCluster adoptExisting(
      int major, Path dataDir, String superuserPassword, Map<String, String> settings) {
    return adoptExisting(PgDistribution.of(major), dataDir, superuserPassword, settings);
  }

  private static PgCluster adoptExisting(
      PgDistribution dist, Path dataDir, String superuserPassword, Map<String, String> settings) {
    int port = freePort();
    // socket and log go to a directory of our own: close() deletes it, never the caller's files
    Path dir = Locations.newRunDir("pghs-adopted-");
    PgCluster c = new PgCluster(dist, dir, dataDir.toAbsolutePath(), port, superuserPassword);
    c.ownedBase = dir;
    Map<String, String> conf = new LinkedHashMap<>(baseSettings(port, c.socketDir()));
    conf.putAll(settings);
    c.prepareSocketDir();
    c.appendConf(conf);
    try {
      Files.setPosixFilePermissions(c.dataDir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.owner.own(c.dataDir);
    return c;
  }

  /**
   * Starts again, as it was configured, a cluster that an earlier process created and stopped
   * ({@code ./pg_hardstorage up} after {@code down}); its log goes next to the data directory.
   * Idempotent: a running cluster is fine. Nothing of it is registered for clean-up at exit.
   */
  public static void startDataDir(int major, Path dataDir) {
    if (Files.exists(dataDir.resolve("postmaster.pid"))) {
      return;
    }
    if (!Files.isDirectory(dataDir)) {
      throw new IllegalStateException("no PostgreSQL data directory at " + dataDir);
    }
    List<String> cmd =
        List.of(
            PgDistribution.of(major).bin("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-l",
            dataDir.resolveSibling("postgresql.log").toString(),
            "-w",
            "-t",
            String.valueOf(START_LIMIT.toSeconds()),
            "start");
    Cmd.run(OsUser.service().wrap(cmd), null, Map.of(), START_LIMIT.plusMinutes(1)).orThrow();
  }

  /**
   * Stops a cluster started by another process, given its data directory. Idempotent: a cluster
   * that is not running is fine.
   */
  public static void stopDataDir(int major, Path dataDir) {
    if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
      return;
    }
    stopDataDir(PgDistribution.of(major), dataDir);
  }

  /** As {@link #stopDataDir(int, Path)}, with the binaries of {@code dist}. */
  public static void stopDataDir(PgDistribution dist, Path dataDir) {
    if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
      return;
    }
    List<String> cmd =
        List.of(
            dist.bin("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "stop");
    Cmd.run(OsUser.service().wrap(cmd), null, Map.of(), Duration.ofMinutes(2));
  }

  /** Server major version. */
  public int major() {
    return dist.major();
  }

  /** Server binaries. */
  public PgDistribution distribution() {
    return dist;
  }

  /** TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The superuser's password (the superuser is {@code postgres}). */
  public String password() {
    return password;
  }

  /** The OS user the server runs as. */
  public OsUser owner() {
    return owner;
  }

  /** A libpq conninfo for {@code user} on {@code db}, password included. */
  public String connInfo(String user, String userPassword, String db) {
    return "host=127.0.0.1 port="
        + port
        + " user="
        + user
        + " password="
        + userPassword
        + " dbname="
        + db;
  }

  /** A libpq conninfo for the superuser on {@code db}. */
  public String connInfo(String db) {
    return connInfo("postgres", password, db);
  }

  /** A JDBC URL for {@code db}. */
  public String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
  }

  /** A JDBC connection as the superuser. */
  public Connection connect(String db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(db), p);
  }

  /** Runs SQL statements as the superuser on {@code db}. */
  public void execute(String db, String... statements) {
    try (Connection c = connect(db);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Runs a query as the superuser; every value as text (null stays null). */
  public List<List<String>> query(String db, String sql) {
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The single value of a one-row, one-column query. */
  public String queryValue(String db, String sql) {
    List<List<String>> rows = query(db, sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException("expected one value from '" + sql + "', got " + rows);
    }
    return rows.get(0).get(0);
  }

  /** Creates a login role with {@code password}, optionally with REPLICATION. */
  public void createRole(String name, String rolePassword, boolean replication) {
    execute(
        "postgres",
        "CREATE ROLE "
            + name
            + " LOGIN "
            + (replication ? "REPLICATION " : "")
            + "PASSWORD '"
            + rolePassword.replace("'", "''")
            + "'");
  }

  /** Runs a program of this distribution as the cluster user, e.g. {@code pg_controldata}. */
  public Cmd.Result run(String program, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(dist.bin(program).toString());
    cmd.addAll(List.of(args));
    return Cmd.run(owner.wrap(cmd), null, Map.of(), Duration.ofMinutes(5));
  }

  /** Starts the server and waits until it accepts connections (possibly still in recovery). */
  public synchronized void start() {
    if (running) {
      return;
    }
    Reaper.register(this);
    run(
            "pg_ctl",
            "-D",
            dataDir.toString(),
            "-l",
            logFile().toString(),
            "-w",
            "-t",
            String.valueOf(START_LIMIT.toSeconds()),
            "start")
        .orThrow();
    running = true;
  }

  /** Waits until the server has left recovery ({@code pg_is_in_recovery()} is false). */
  public void awaitPromotion(Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      try {
        if ("f".equals(queryValue("postgres", "SELECT pg_is_in_recovery()"))) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // still starting up or shutting down the startup process; retry until the deadline
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "PostgreSQL on port "
                + port
                + " still in recovery after "
                + limit
                + "; log:\n"
                + logTail());
      }
      sleep(200);
    }
  }

  /**
   * Waits until the server has either left recovery (returns true) or exited on its own, e.g. after
   * a FATAL error in recovery (returns false).
   */
  public boolean awaitPromotionOrExit(Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      Optional<Long> pid = pid();
      if (pid.isEmpty() || !ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
        running = false;
        Reaper.unregister(this);
        return false;
      }
      try {
        if ("f".equals(queryValue("postgres", "SELECT pg_is_in_recovery()"))) {
          return true;
        }
      } catch (IllegalStateException notYet) {
        // starting, shutting down, or not yet consistent: look again
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "PostgreSQL on port "
                + port
                + " neither left recovery nor exited within "
                + limit
                + "; log:\n"
                + logTail());
      }
      sleep(200);
    }
  }

  /** Stops the server (fast shutdown); kills it if it does not stop. Idempotent. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    Optional<Long> pid = pid();
    Cmd.Result r = run("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    if (r.exitCode() != 0) {
      kill();
    }
    pid.ifPresent(p -> awaitExit(p, Duration.ofSeconds(30)));
    running = false;
    Reaper.unregister(this);
  }

  /** SIGKILLs the postmaster and its children, as a crash would. */
  public synchronized void kill() {
    pid()
        .ifPresent(
            pid -> {
              ProcessHandle.of(pid)
                  .ifPresent(
                      h -> {
                        h.descendants().forEach(ProcessHandle::destroyForcibly);
                        h.destroyForcibly();
                      });
              Cmd.run(
                  List.of("kill", "-9", String.valueOf(pid)),
                  null,
                  Map.of(),
                  Duration.ofSeconds(10));
            });
    running = false;
    Reaper.unregister(this);
  }

  /** The postmaster PID from {@code postmaster.pid}, if the server runs. */
  public Optional<Long> pid() {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip();
      return Optional.of(Long.parseLong(first));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void awaitExit(long pid, Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("postmaster " + pid + " did not exit within " + limit);
      }
      sleep(50);
    }
  }

  /** Whether the server is running. */
  public boolean isRunning() {
    return running;
  }

  /** The last lines of the server log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Stops the server and deletes the directory this object created for it (for an adopted data
   * directory: only its socket and log directory; the data directory stays the caller's).
   */
  @Override
  public void close() {
    stop();
    try {
      Locations.deleteTree(ownedBase != null ? ownedBase : dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL " + dist.major() + " on 127.0.0.1:" + port + " (" + dataDir + ")";
  }

  Path logFile() {
    return dir.resolve("postgresql-" + port + ".log");
  }

  Path socketDir() {
    return dir.resolve("sock-" + port);
  }

  private void prepareSocketDir() {
    Path sock = socketDir();
    Locations.ensurePublicDir(sock);
    owner.own(sock);
    try {
      Path log = logFile();
      if (!Files.exists(log)) {
        Files.createFile(log);
      }
      owner.own(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void appendConf(Map<String, String> settings) {
    StringBuilder sb = new StringBuilder("\n# devstack\n");
    settings.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
    try {
      Files.writeString(
          dataDir.resolve("postgresql.auto.conf"),
          sb.toString(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> baseSettings(int port, Path socketDir) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("listen_addresses", "'127.0.0.1'");
    m.put("port", String.valueOf(port));
    m.put("unix_socket_directories", "'" + socketDir + "'");
    m.put("max_wal_senders", "10");
    m.put("max_replication_slots", "10");
    m.put("wal_level", "replica");
    return m;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Configures and creates a cluster. */
  public static final class Builder {
    private final int major;
    private PgDistribution distribution;
    private Path parent;
    private int port;
    private String authMethod = "scram-sha-256";
    private boolean durable;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> initdbArgs = new ArrayList<>();

    private Builder(int major) {
      this.major = major;
    }

    /**
     * The server binaries to use (default: {@link PgDistribution#of(int)}, the devstack build's).
     */
    public Builder distribution(PgDistribution dist) {
      if (dist.major() != major) {
        throw new IllegalArgumentException(
            "binaries of PostgreSQL " + dist.major() + " for a cluster of " + major);
      }
      this.distribution = dist;
      return this;
    }

    /** Directory to create the cluster in (default: a fresh one under /tmp). */
    public Builder in(Path parentDir) {
      this.parent = parentDir;
      return this;
    }

    /** A fixed port (default: a free one). */
    public Builder port(int fixedPort) {
      this.port = fixedPort;
      return this;
    }

    /** Host authentication: {@code scram-sha-256} (default), {@code md5} or {@code password}. */
    public Builder auth(String method) {
      this.authMethod = method;
      return this;
    }

    /** Keep fsync on (default off: test clusters trade crash safety of the OS for speed). */
    public Builder durable(boolean on) {
      this.durable = on;
      return this;
    }

    /** A postgresql.conf setting, value as written in the file (quote strings yourself). */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /** Extra initdb arguments, e.g. {@code --wal-segsize=32}. */
    public Builder initdbArg(String arg) {
      initdbArgs.add(arg);
      return this;
    }

    /** Runs initdb, configures and starts the cluster. */
    public PgCluster start() {
      PgDistribution dist = distribution != null ? distribution : PgDistribution.of(major);
      Path base = parent != null ? Locations.ensurePublicDir(parent) : Locations.newRunDir("pghs-");
      int p = port != 0 ? port : freePort();
      Path dir = Locations.ensurePublicDir(base.resolve("pg" + major + "-" + p));
      Path data = dir.resolve("data");
      byte[] secret = new byte[12];
      new SecureRandom().nextBytes(secret);
      String password = HexFormat.of().formatHex(secret);
      PgCluster c = new PgCluster(dist, dir, data, p, password);
      if (parent == null) {
        c.ownedBase = base;
      }
      try {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n");
        c.owner.own(dir);
        List<String> args =
            new ArrayList<>(
                List.of(
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "--pwfile=" + pwfile,
                    "--auth-local=trust",
                    "--auth-host=" + authMethod,
                    "-E",
                    "UTF8",
                    "--locale=C"));
        args.addAll(initdbArgs);
        c.run("initdb", args.toArray(String[]::new)).orThrow();
        Files.delete(pwfile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot initialise a cluster in " + dir, e);
      }
      Map<String, String> conf = new LinkedHashMap<>(baseSettings(p, c.socketDir()));
      if (!durable) {
        conf.put("fsync", "off");
      }
      if ("md5".equals(authMethod) || "password".equals(authMethod)) {
        conf.put("password_encryption", "md5");
      }
      conf.putAll(settings);
      c.prepareSocketDir();
      c.appendConf(conf);
      c.owner.own(dir);
      c.start();
      if (!"scram-sha-256".equals(authMethod)) {
        // initdb stored the password as SCRAM; store it again in the configured encryption
        c.execute("postgres", "ALTER ROLE postgres PASSWORD '" + password + "'");
      }
      return c;
    }
  }
}
