package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Payara Server 6 domain on its own portbase, in its own domain directory, driven through
 * {@code asadmin}. The installation comes from {@code devstack/target/dist/payara/payara6}.
 */
public final class PayaraDomain implements AutoCloseable {
  /** Name of the domain we create. */
  public static final String NAME = "pghs";

  private static final Duration ASADMIN_LIMIT = Duration.ofMinutes(5);

  private final Path install;
  private final Path domainDir;
  private final int portBase;
  private volatile boolean running;

  private PayaraDomain(Path install, Path domainDir, int portBase) {
    this.install = install;
    this.domainDir = domainDir;
    this.portBase = portBase;
  }

  /**
   * Creates a fresh domain under {@code domainDir} (which must not hold one yet) on {@code
   * portBase} (admin = +48, HTTP = +80), with a {@code heapMb} heap.
   */
  public static PayaraDomain create(Path domainDir, int portBase, int heapMb) {
    Path install = Locations.distDir().resolve("payara/payara6");
    if (!Files.isExecutable(install.resolve("bin/asadmin"))) {
      throw new IllegalStateException(
          "no Payara at " + install + ": build the devstack module first");
    }
    PayaraDomain d = new PayaraDomain(install, domainDir, portBase);
    d.asadminLocal(
        "create-domain",
        "--nopassword=true",
        "--savelogin=false",
        "--checkports=true",
        "--portbase",
        String.valueOf(portBase),
        "--domaindir",
        domainDir.toString(),
        NAME);
    d.setHeap(heapMb);
    return d;
  }

  /**
   * Makes the domain (not started yet) listen on loopback only: its HTTP, HTTPS and admin
   * listeners, every listener a new domain binds to {@code 0.0.0.0} (IIOP, JMX), and the Hazelcast
   * data grid Payara starts in every domain.
   */
  public void bindLoopback() {
    editDomainXml(
        s ->
            // listeners that name no address get one; those that name 0.0.0.0 get loopback
            s.replaceAll(
                    "<network-listener (?![^>]*\\baddress=)",
                    "<network-listener address=\"127.0.0.1\" ")
                .replace("address=\"0.0.0.0\"", "address=\"127.0.0.1\"")
                .replace(
                    "<hazelcast-runtime-configuration ",
                    "<hazelcast-runtime-configuration das-bind-address=\"127.0.0.1\""
                        + " interface=\"127.0.0.1\" "),
        "<hazelcast-runtime-configuration ");
  }

  /** Attaches to a domain created earlier (for {@code down}). */
  public static PayaraDomain existing(Path domainDir, int portBase) {
    return new PayaraDomain(Locations.distDir().resolve("payara/payara6"), domainDir, portBase);
  }

  /** A portbase whose admin and HTTP ports are free, starting the search at {@code from}. */
  public static int freePortBase(int from) {
    for (int base = from; base < 60000; base += 100) {
      if (free(base + 48)
          && free(base + 80)
          && free(base + 81)
          && free(base + 37)
          && free(base + 86)
          && free(base + 76)) {
        return base;
      }
    }
    throw new IllegalStateException("no free Payara portbase at or above " + from);
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The admin port. */
  public int adminPort() {
    return portBase + 48;
  }

  /** The HTTP port. */
  public int httpPort() {
    return portBase + 80;
  }

  /**
   * The HTTPS port: {@code http-listener-2}, which every new domain has, with the domain's
   * self-signed certificate {@code s1as} (in {@code config/keystore.p12}).
   */
  public int httpsPort() {
    return portBase + 81;
  }

  /** The domain's key store, holding the HTTPS listener's certificate under alias {@code s1as}. */
  public Path keyStore() {
    return domainDir.resolve(NAME).resolve("config/keystore.p12");
  }

  /** {@code http://127.0.0.1:<http port>}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort();
  }

  /** The domain's directory. */
  public Path domainDir() {
    return domainDir;
  }

  /** Starts the domain; returns once the admin port answers (applications may not be ready). */
  public synchronized void start() {
    Reaper.register(this);
    asadminLocal("start-domain", "--domaindir", domainDir.toString(), NAME);
    running = true;
  }

  /** Runs a remote asadmin subcommand against this domain. */
  public Cmd.Result asadmin(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                install.resolve("bin/asadmin").toString(),
                "--interactive=false",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(adminPort())));
    cmd.addAll(List.of(args));
    return Cmd.run(cmd, null, env(), ASADMIN_LIMIT).orThrow();
  }

  /** Runs a remote asadmin subcommand that reads secrets from a password file. */
  public Cmd.Result asadminWithPasswords(Map<String, String> secrets, String... args) {
    Path file = null;
    try {
      file =
          Files.createTempFile(
              "asadmin-",
              ".pw",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      StringBuilder sb = new StringBuilder();
      secrets.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
      List<String> all = new ArrayList<>(List.of("--passwordfile", file.toString()));
      all.addAll(List.of(args));
      return asadmin(all.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an asadmin password file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temp file of ours; nothing else to do
        }
      }
    }
  }

  /**
   * Configures {@code jdbc/pghs} on a PostgreSQL database, with the password kept as a Payara
   * password alias (never in clear in domain.xml), and puts the batch job repository in schema
   * {@code jbatch} of the same database through a second pool, {@code jdbc/pghs-batch}: the batch
   * runtime sets {@code search_path} on its connections, which must never leak into the
   * application's pool. The schema must exist and belong to {@code user}.
   */
  public void configureCatalogue(
      Path jdbcDriver, int pgPort, String database, String user, String password) {
    asadmin("add-library", "--type", "common", jdbcDriver.toString());
    asadminWithPasswords(
        Map.of("AS_ADMIN_ALIASPASSWORD", password),
        "create-password-alias",
        "pghs-catalogue-password");
    String props =
        "serverName=127.0.0.1:portNumber="
            + pgPort
            + ":databaseName="
            + database
            + ":user="
            + user
            + ":password=${ALIAS=pghs-catalogue-password}";
    createPool("pghs-pool", "jdbc/pghs", props + ":applicationName=pg_hardstorage-server");
    createPool(
        "pghs-batch-pool", "jdbc/pghs-batch", props + ":applicationName=pg_hardstorage-batch");
    asadmin(
        "set-batch-runtime-configuration",
        "--datasourcelookupname",
        "jdbc/pghs-batch",
        "--schemaname",
        "jbatch");
  }

  private void createPool(String pool, String jndiName, String properties) {
    asadmin(
        "create-jdbc-connection-pool",
        "--datasourceclassname",
        "org.postgresql.ds.PGSimpleDataSource",
        "--restype",
        "javax.sql.DataSource",
        "--steadypoolsize",
        "2",
        "--maxpoolsize",
        "32",
        "--isconnectvalidatereq=true",
        "--validationmethod",
        "auto-commit",
        "--property",
        properties,
        pool);
    asadmin("create-jdbc-resource", "--connectionpoolid", pool, jndiName);
    asadmin("ping-connection-pool", pool);
  }

  /**
   * Sets a MicroProfile Config property for every application of the domain ({@code
   * set-config-property --source=domain}); applications read it without a restart.
   */
  public void setConfigProperty(String name, String value) {
    asadmin(
        "set-config-property",
        "--source=domain",
        "--propertyName=" + name,
        "--propertyValue=" + value);
  }

  /** Creates a user in the {@code file} realm with the given groups (roles). */
  public void createUser(String name, String password, String... groups) {
    asadminWithPasswords(
        Map.of("AS_ADMIN_USERPASSWORD", password),
        "create-file-user",
        "--groups",
        String.join(":", groups),
        name);
  }

  /** Deploys (or redeploys) an EAR and waits until {@code readyPath} answers 200. */
  public void deploy(Path ear, String name, String readyPath, Duration limit) {
    asadmin("deploy", "--force=true", "--name", name, ear.toString());
    awaitHttp(readyPath, 200, limit);
  }

  /** Polls {@code path} until it returns {@code status}. */
  public void awaitHttp(String path, int status, Duration limit) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(limit);
    String last = "no answer";
    Instant wrongSince = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == status) {
          return;
        }
        last = r.statusCode() + " " + r.body();
        // 404 and 503 mean "not deployed or not ready yet"; anything else that persists is a bug
        if (r.statusCode() != 404 && r.statusCode() != 503) {
          wrongSince = wrongSince == null ? Instant.now() : wrongSince;
          if (Duration.between(wrongSince, Instant.now()).toSeconds() > 30) {
            break;
          }
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      PgCluster.sleep(1000);
    }
    throw new IllegalStateException(
        baseUrl()
            + path
            + " did not answer "
            + status
            + " within "
            + limit
            + "; last: "
            + last
            + "\nserver log tail:\n"
            + logTail());
  }

  /** The PID of the running domain, from its pid file. */
  public Optional<Long> pid() {
    Path pidFile = domainDir.resolve(NAME).resolve("config/pid");
    try {
      return Files.exists(pidFile)
          ? Optional.of(Long.parseLong(Files.readString(pidFile).strip()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether the domain's process (from its pid file) is alive, whoever started it. */
  public boolean isAlive() {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The tail of server.log. */
  public String logTail() {
    Path log = domainDir.resolve(NAME).resolve("logs/server.log");
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no server.log: " + e.getMessage() + ")";
    }
  }

  /** Kills the server process hard, as a crash would. */
  public synchronized void kill() {
    pid()
        .flatMap(ProcessHandle::of)
        .ifPresent(
            h -> {
              h.destroyForcibly();
              h.onExit().join();
            });
    running = false;
  }

  /** Stops the domain; kills it by PID if a clean stop fails. Idempotent. */
  public synchronized void stop() {
    Optional<Long> pid = pid();
    Cmd.Result r =
        Cmd.run(
            List.of(
                install.resolve("bin/asadmin").toString(),
                "stop-domain",
                "--kill=false",
                "--domaindir",
                domainDir.toString(),
                NAME),
            null,
            env(),
            Duration.ofMinutes(2));
    pid.flatMap(ProcessHandle::of)
        .ifPresent(
            h -> {
              if (r.exitCode() != 0) {
                h.destroyForcibly();
              }
              try {
                h.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
              } catch (Exception e) {
                h.destroyForcibly();
              }
            });
    running = false;
    Reaper.unregister(this);
  }

  /** Whether we started it and have not stopped it. */
  public boolean isRunning() {
    return running;
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "Payara domain " + NAME + " at " + baseUrl() + " (" + domainDir + ")";
  }

  private void asadminLocal(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(install.resolve("bin/asadmin").toString(), "--interactive=false"));
    cmd.addAll(List.of(args));
    Cmd.run(cmd, null, env(), ASADMIN_LIMIT).orThrow();
  }

  private void setHeap(int heapMb) {
    editDomainXml(
        s ->
            s.replace(
                "<jvm-options>-Xmx512m</jvm-options>",
                "<jvm-options>-Xmx" + heapMb + "m</jvm-options>"),
        "<jvm-options>-Xmx512m</jvm-options>");
  }

  /** Rewrites domain.xml (of a stopped domain); fails when it has no {@code expected} text. */
  private void editDomainXml(java.util.function.UnaryOperator<String> edit, String expected) {
    Path xml = domainDir.resolve(NAME).resolve("config/domain.xml");
    try {
      String s = Files.readString(xml, StandardCharsets.UTF_8);
      if (!s.contains(expected)) {
        throw new IllegalStateException("no " + expected + " found in " + xml);
      }
      Files.writeString(xml, edit.apply(s), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot edit " + xml, e);
    }
  }

  private static Map<String, String> env() {
    String javaHome = System.getProperty("java.home");
    return Map.of("AS_JAVA", javaHome);
  }
}
