package org.pghardstorage.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./pg_hardstorage up | down [--purge] | status}: the product on embedded defaults. {@code
 * up} starts a catalogue PostgreSQL 18, a demo PostgreSQL 18, and Payara with the EAR, protects the
 * demo database as deployment {@code shop} (repository, WAL streamer, first backup), then hands
 * them over (they keep running after this JVM exits). {@code down} stops them and keeps their data,
 * the repository and its backups first; {@code up} then starts the same stack again. Only {@code
 * down --purge} removes the directory, after listing what it removes. State lives in {@code
 * <dir>/state.json}; the directory is {@code PGHS_DEV_DIR}, default {@code
 * /var/tmp/pg_hardstorage-dev}.
 */
public final class DevStack {
  static final int PORT_BASE = Integer.parseInt(env("PGHS_DEV_PORTBASE", "20000"));
  static final int CATALOGUE_PORT = Integer.parseInt(env("PGHS_DEV_CATALOGUE_PORT", "25432"));
  static final int DEMO_PORT = Integer.parseInt(env("PGHS_DEV_DEMO_PORT", "25433"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final PrintStream out;

  DevStack(Path dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  /** Entry point: {@code up}, {@code down [--purge]} or {@code status}. */
  public static void main(String[] args) {
    Path dir = Path.of(env("PGHS_DEV_DIR", "/var/tmp/pg_hardstorage-dev"));
    DevStack stack = new DevStack(dir, System.out);
    List<String> words = List.of(args);
    String cmd = words.isEmpty() ? "status" : words.get(0).toLowerCase(Locale.ROOT);
    List<String> options = words.isEmpty() ? List.of() : words.subList(1, words.size());
    boolean purge = cmd.equals("down") && options.equals(List.of("--purge"));
    if (!List.of("up", "down", "status").contains(cmd) || !(options.isEmpty() || purge)) {
      System.err.println(
          "pg_hardstorage: unexpected '"
              + String.join(" ", words)
              + "'; usage: pg_hardstorage up | down [--purge] | status");
      System.exit(2);
    }
    try {
      switch (cmd) {
        case "up" -> stack.up();
        case "down" -> stack.down(purge);
        default -> stack.status();
      }
    } catch (RuntimeException | IOException e) {
      System.err.println("pg_hardstorage " + cmd + " failed: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }

  void up() throws IOException {
    Path state = dir.resolve("state.json");
    if (Files.exists(state)) {
      JsonNode s = JSON.readTree(state.toFile());
      if (alive(s)) {
        out.println("pg_hardstorage is already up.");
      } else {
        out.println(
            "Starting the stack kept in " + dir + " again (its repository and data are kept) ...");
        resume(s);
      }
      print(s);
      return;
    }
    Path ear = Locations.projectRoot().orElseThrow().resolve("ear/target/pg-hardstorage.ear");
    Locations.ensurePublicDir(dir);
    out.println(
        "Starting the catalogue database and Payara Server (this takes a minute or two) ...");
    ServerStack server =
        ServerStack.start(
            new ServerStack.Options(
                dir.resolve("server"), ear, CATALOGUE_PORT, PORT_BASE, 1536, true, true));
    out.println("Starting the demo PostgreSQL 18 ...");
    PgCluster demo =
        PgCluster.builder(18).in(dir.resolve("demo")).port(DEMO_PORT).durable(true).start();
    String backupPassword = ServerStack.secret();
    demo.createRole("pghs_backup", backupPassword, true);
    demo.execute("postgres", "CREATE DATABASE shop");
    demo.execute(
        "shop",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL,"
            + " amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO orders SELECT g, 'customer-' || (g % 1000), (g % 997) * 1.25,"
            + " now() - g * interval '1 minute' FROM generate_series(1, 100000) g");
    out.println("Protecting it: repository, deployment 'shop' (WAL streamer), first backup ...");
    String repository = protect(server, demo, backupPassword);

    ObjectNode s = JSON.createObjectNode();
    s.put("dir", dir.toString());
    s.put("console", server.baseUrl() + "/console/");
    s.put("api", server.baseUrl() + "/api/v1");
    s.put("metrics", server.baseUrl() + "/metrics");
    s.put("openapi", server.baseUrl() + "/openapi");
    s.put("catalogueDataDir", server.catalogue().dataDir().toString());
    s.put("demoDataDir", demo.dataDir().toString());
    s.put("demoConninfo", "host=127.0.0.1 port=" + demo.port() + " user=pghs_backup dbname=shop");
    s.put("deployment", "shop");
    s.put("repository", repository);
    s.put("payaraDomainDir", server.domain().domainDir().toString());
    s.put("portBase", PORT_BASE);
    Path credentials = dir.resolve("credentials.txt");
    Files.writeString(
        credentials,
        "console/API users (file realm):\n"
            + "  admin    "
            + server.admin().password()
            + "\n"
            + "  operator "
            + server.operator().password()
            + "\n"
            + "  viewer   "
            + server.viewer().password()
            + "\n"
            + "demo database role pghs_backup (REPLICATION): "
            + backupPassword
            + "\n"
            + "demo superuser postgres: "
            + demo.password()
            + "\n");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    s.put("credentials", credentials.toString());
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("state.json").toFile(), s);
    Reaper.releaseAll();
    out.println();
    out.println("pg_hardstorage is up.");
    print(s);
    out.println("  admin password: " + server.admin().password());
  }

  /**
   * Makes the demo database a protected deployment, as an operator would: a file:// repository
   * created with the command line, group-readable by PostgreSQL's OS user, the backup role's
   * password in a 0600 file in the server's secrets directory that the catalogue only references,
   * {@code POST /api/v1/deployments} (the server starts its WAL streamer), and a first base-backup
   * job. Returns the repository URL.
   */
  private String protect(ServerStack server, PgCluster demo, String backupPassword)
      throws IOException {
    Path root = Locations.projectRoot().orElseThrow();
    Path cli = root.resolve("cli/target/pg_hardstorage/bin/pg_hardstorage");
    // group-readable in PostgreSQL's group: a restore's restore_command runs as that user
    Path repositoryDir = Files.createDirectories(dir.resolve("repository"));
    OsUser.service().shareGroup(repositoryDir);
    String repository = "file://" + repositoryDir;
    Cmd.run(
            List.of(cli.toString(), "repo", "init", "--group-readable", repository, "-o", "json"),
            null,
            Map.of(),
            Duration.ofMinutes(2))
        .orThrow();
    Path passwordFile = server.secretsDir().resolve("shop.password");
    Files.writeString(passwordFile, backupPassword + "\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "shop");
    spec.put("conninfo", "host=127.0.0.1 port=" + demo.port() + " user=pghs_backup dbname=shop");
    spec.put("password_ref", "file:" + passwordFile);
    spec.put("repository_url", repository);
    api(server, server.admin(), "deployments", spec.toString(), 201);
    api(
        server,
        server.operator(),
        "jobs",
        "{\"job\":\"base-backup\",\"deployment\":\"shop\"}",
        202);
    return repository;
  }

  private static void api(
      ServerStack server, ServerStack.User user, String path, String body, int expected)
      throws IOException {
    String basic =
        Base64.getEncoder()
            .encodeToString((user.name() + ":" + user.password()).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/" + path))
            .timeout(Duration.ofMinutes(1))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling the API", e);
    }
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          "POST /api/v1/" + path + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  /**
   * Starts again what {@code down} stopped (or what died): both clusters, then Payara, with the EAR
   * redeployed so that a rebuilt one takes effect. Everything else is as {@code up} left it.
   */
  private void resume(JsonNode s) {
    try {
      PgCluster.startDataDir(18, Path.of(s.path("catalogueDataDir").asText()));
      PgCluster.startDataDir(18, Path.of(s.path("demoDataDir").asText()));
      PayaraDomain domain =
          PayaraDomain.existing(
              Path.of(s.path("payaraDomainDir").asText()), s.path("portBase").asInt());
      if (!domain.isAlive()) {
        domain.start();
      }
      Path ear = Locations.projectRoot().orElseThrow().resolve("ear/target/pg-hardstorage.ear");
      domain.deploy(ear, ServerStack.APP, "/api/v1/health", Duration.ofMinutes(6));
      Reaper.releaseAll();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start the stack kept in "
              + dir
              + " again: "
              + e.getMessage()
              + "; './pg_hardstorage down --purge' removes it (with its backups), then 'up'"
              + " starts afresh",
          e);
    }
    out.println();
    out.println("pg_hardstorage is up.");
  }

  /**
   * Stops what {@code up} started and keeps its data; with {@code purge}, then says exactly what it
   * removes, and removes it.
   */
  void down(boolean purge) throws IOException {
    Path state = dir.resolve("state.json");
    if (Files.exists(state)) {
      stop(JSON.readTree(state.toFile()));
    } else {
      out.println("pg_hardstorage is not up (no " + state + ").");
    }
    if (!purge) {
      if (Files.exists(state)) {
        out.println("pg_hardstorage is down. Its data is kept in " + dir + ":");
        out.println("  the repository with every backup, the catalogue, the demo database.");
        out.println("  './pg_hardstorage up' starts it again;");
        out.println("  './pg_hardstorage down --purge' removes it, backups included.");
      }
      return;
    }
    PurgePlan plan = PurgePlan.of(dir);
    if (plan.isEmpty()) {
      out.println("Nothing to remove: " + dir + " does not exist.");
      return;
    }
    plan.describe().forEach(out::println);
    plan.execute();
    out.println("Removed " + dir + ".");
  }

  /** Stops Payara and both clusters, each only if it runs; the first failure is thrown last. */
  private static void stop(JsonNode s) {
    RuntimeException failure = null;
    try {
      PayaraDomain domain =
          PayaraDomain.existing(
              Path.of(s.path("payaraDomainDir").asText()), s.path("portBase").asInt());
      if (domain.isAlive()) {
        domain.stop();
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    for (String key : new String[] {"demoDataDir", "catalogueDataDir"}) {
      try {
        PgCluster.stopDataDir(18, Path.of(s.path(key).asText()));
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  void status() throws IOException {
    Path state = dir.resolve("state.json");
    if (!Files.exists(state)) {
      out.println("pg_hardstorage is not up.");
      return;
    }
    JsonNode s = JSON.readTree(state.toFile());
    out.println(alive(s) ? "pg_hardstorage is up." : "pg_hardstorage is DOWN (stale state).");
    print(s);
  }

  private void print(JsonNode s) {
    out.println("  console:  " + s.path("console").asText() + "   (login: admin, see below)");
    out.println(
        "  API:      "
            + s.path("api").asText()
            + "   (health: "
            + s.path("api").asText()
            + "/health)");
    out.println("  metrics:  " + s.path("metrics").asText());
    out.println("  OpenAPI:  " + s.path("openapi").asText());
    out.println("  demo PostgreSQL 18:  " + s.path("demoConninfo").asText());
    out.println(
        "  protected as deployment '"
            + s.path("deployment").asText("shop")
            + "' into "
            + s.path("repository").asText()
            + " (WAL streamer on the server, first backup started)");
    out.println("  passwords: " + s.path("credentials").asText());
    out.println(
        "  stop everything: ./pg_hardstorage down   (keeps the data; remove it with down --purge)");
  }

  private static boolean alive(JsonNode s) {
    Path pidFile = Path.of(s.path("payaraDomainDir").asText(), PayaraDomain.NAME, "config/pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && Files.exists(Path.of(s.path("catalogueDataDir").asText(), "postmaster.pid"))
          && Files.exists(Path.of(s.path("demoDataDir").asText(), "postmaster.pid"));
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
