package org.pghardstorage.it.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.OsUser;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.PgDistribution;
import org.pghardstorage.devstack.S3ProxyServer;
import org.pghardstorage.it.cli.Cli;

/**
 * Runs one page's blocks in document order, as a reader on a fresh host would: a directory of its
 * own stands for {@code /} ({@code {root}}), with the installed command on {@code PATH}, a home
 * directory of its own, and the servers the page declares. The page's and the block's {@code
 * replace} items are the only changes made to what the page says.
 */
final class PageRunner implements AutoCloseable {
  private static final Pattern VARIABLE = Pattern.compile("\\{([a-z0-9_]+)\\}");
  private static final String SYSTEM_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final DocPage page;
  private final Path root;
  private final Map<String, String> vars = new LinkedHashMap<>();
  private final Map<String, String> env = new HashMap<>();

  /** Blocks running in the background, with what went wrong at their start (null: nothing). */
  private final Map<ReaderShell.Background, Map.Entry<DocBlock, String>> background =
      new LinkedHashMap<>();

  private final List<PageReport.Entry> entries = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private PgCluster server;
  private PgDistribution binaries;
  private ReaderShell shell;

  PageRunner(DocPage page) {
    this.page = page;
    // short: PostgreSQL's socket path below it must stay within 107 bytes
    this.root = Locations.newRunDir("pghs-docs-");
  }

  /**
   * Places on the machine the pages name, which a missed substitution would write to instead of the
   * page's root: the test fails if any of them changes (and a reader's copy must be removed by
   * hand).
   */
  private static final List<Path> HOST_PLACES =
      List.of(
          Path.of("/opt"),
          Path.of("/srv"),
          Path.of("/etc/pg_hardstorage"),
          Path.of("/var/lib/pg_hardstorage"),
          Path.of("/usr/local/bin"),
          Path.of("/root/.pgpass"),
          Path.of("/root/.config/pg_hardstorage"));

  /** Runs the page; the report lists what ran, what did not and why, and every failure. */
  PageReport run() throws InterruptedException {
    Map<Path, List<String>> before = hostPlaces();
    try {
      runBlocks();
    } finally {
      Map<Path, List<String>> after = hostPlaces();
      if (!after.equals(before)) {
        failures.add(
            page.name()
                + " wrote outside its root (a substitution is missing): before "
                + before
                + ", after "
                + after);
      }
    }
    return new PageReport(page.name(), entries, failures);
  }

  private static Map<Path, List<String>> hostPlaces() {
    Map<Path, List<String>> m = new LinkedHashMap<>();
    for (Path p : HOST_PLACES) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          m.put(p, s.map(x -> x.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        m.put(p, Files.exists(p) ? List.of("(a file)") : List.of());
      }
    }
    return m;
  }

  private void runBlocks() throws InterruptedException {
    prepare();
    Optional<String> lastOutput = Optional.empty();
    DocBlock lastCommand = null;
    for (DocBlock block : page.blocks()) {
      try {
        switch (block.role()) {
          case NOT_RUN -> entries.add(PageReport.Entry.notRun(block));
          case FILE -> writeFile(block);
          case SQL -> runSql(block);
          case SHELL -> {
            lastOutput = runShell(block);
            lastCommand = block;
          }
          case OUTPUT -> {
            if (lastOutput.isEmpty() && lastCommand.annotation().pending().isPresent()) {
              entries.add(
                  PageReport.Entry.pending(
                      block, lastCommand.annotation().pending().get(), "its command is pending"));
            } else {
              compare(block, lastOutput.orElse(null));
            }
          }
        }
      } catch (BlockFailure f) {
        failures.add(f.getMessage());
        break; // later blocks build on this one: what they would report is noise
      }
    }
    stopBackground();
  }

  private void prepare() {
    for (String dir : List.of("srv", "etc", "opt", "usr/local/bin", "var/lib", "root", "tmp")) {
      Locations.ensurePublicDir(root.resolve(dir));
    }
    try {
      Files.createSymbolicLink(
          root.resolve("usr/local/bin/pg_hardstorage"), Cli.launcher().toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Annotation a = page.annotation();
    vars.put("root", root.toString());
    vars.put("cli", Cli.home().toString());
    vars.put("project", Locations.projectRoot().orElseThrow().toString());
    vars.put("pguser", OsUser.service().name());
    vars.put("port2", String.valueOf(freePort()));
    if (a.postgres().isPresent()) {
      int major = a.postgres().get();
      PgCluster.Builder b = PgCluster.builder(major).in(root.resolve("pg"));
      if (a.port().isPresent()) {
        requireFree(a.port().get());
        b.port(a.port().get());
      }
      server = b.start();
      binaries = server.distribution();
      vars.put("port", String.valueOf(server.port()));
      vars.put("password", server.password());
      vars.put("pgbin", binaries.home().resolve("bin").toString());
    }
    if (a.s3()) {
      S3ProxyServer s3 = S3ProxyServer.get();
      s3.createBucket("pghs-docs");
      vars.put("bucket", "pghs-docs");
      vars.put("s3endpoint", s3.endpoint().toString());
      vars.put("s3access", S3ProxyServer.ACCESS_KEY);
      vars.put("s3secret", S3ProxyServer.SECRET_KEY);
    }
    System.getenv()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("PG") && !k.startsWith("XDG_") && !k.startsWith("AWS_")) {
                env.put(k, v);
              }
            });
    String pgbin = vars.containsKey("pgbin") ? vars.get("pgbin") + ":" : "";
    env.put("PATH", root.resolve("usr/local/bin") + ":" + pgbin + SYSTEM_PATH);
    env.put("HOME", root.resolve("root").toString());
    env.put("TERM", "dumb");
    env.put("PAGER", "cat"); // psql on a terminal would page a long result and wait for a key
    env.put("LANG", "C.UTF-8");
    env.put("TMPDIR", root.resolve("tmp").toString());
    a.env().forEach((k, v) -> env.put(k, expand(v, page.name())));
    shell = new ReaderShell(root.resolve(".docs-test"), root.resolve("root"));
  }

  private Optional<String> runShell(DocBlock block) throws InterruptedException {
    Annotation a = block.annotation();
    a.env().forEach((k, v) -> env.put(k, expand(v, block.where())));
    String text = substitute(block.text(), block);
    if (a.backgroundUntil().isPresent()) {
      ReaderShell.Background b = shell.start(text, Map.copyOf(env));
      boolean up = b.await(a.backgroundUntil().get(), Duration.ofMinutes(3));
      String problem =
          up ? null : "its output never showed /" + a.backgroundUntil().get() + "/:\n" + b.output();
      background.put(b, Map.entry(block, problem == null ? "" : problem));
      if (problem != null && a.pending().isEmpty()) {
        throw new BlockFailure(block.where() + ": " + shown(block) + "\n" + problem);
      }
      return Optional.empty(); // judged when the page ends and it is stopped
    }
    ReaderShell.Run r = shell.run(text, Map.copyOf(env));
    String problem = null;
    if (r.exitCode() != a.exit()) {
      problem = "exit status " + r.exitCode() + ", the page says " + a.exit() + ":\n" + r.output();
    } else {
      problem = capture(a, r.output());
    }
    boolean pendingFailed = pendingOrFail(block, problem, "ran, exit " + r.exitCode());
    return pendingFailed ? Optional.empty() : Optional.of(r.output());
  }

  private String capture(Annotation a, String output) {
    String shown = ExpectedOutput.normalize(output);
    for (Map.Entry<String, Pattern> c : a.captures().entrySet()) {
      Matcher m = c.getValue().matcher(shown);
      if (!m.find()) {
        return "nothing in its output matches /"
            + c.getValue()
            + "/ to capture {"
            + c.getKey()
            + "}:\n"
            + output;
      }
      vars.put(c.getKey(), m.groupCount() > 0 ? m.group(1) : m.group());
    }
    return null;
  }

  /**
   * Records a block's result: a failure ({@code problem} not null) fails the page unless the block
   * is pending; a pending block that works fails the page too, so its marker goes.
   *
   * @return whether the block is pending and failed as expected
   */
  private boolean pendingOrFail(DocBlock block, String problem, String ok) {
    Optional<String> pending = block.annotation().pending();
    if (pending.isPresent()) {
      if (problem == null) {
        throw new BlockFailure(
            block.where()
                + ": works now although marked 'pending: "
                + pending.get()
                + "': remove the marker");
      }
      entries.add(PageReport.Entry.pending(block, pending.get(), firstLines(problem)));
      return true;
    }
    if (problem != null) {
      throw new BlockFailure(block.where() + ": " + shown(block) + "\n" + problem);
    }
    entries.add(PageReport.Entry.ran(block, ok));
    return false;
  }

  private void compare(DocBlock block, String actual) {
    if (actual == null) {
      throw new BlockFailure(
          block.where() + ": the command block above did not run to compare its output");
    }
    Annotation a = block.annotation();
    List<Annotation.Replace> replaces = replaces(block);
    String expectedText = block.text();
    List<String> literals = new ArrayList<>();
    for (Annotation.Replace r : replaces) {
      String to = expand(r.to(), block.where());
      expectedText = expectedText.replace(r.from(), to);
      literals.add(to);
    }
    ExpectedOutput expected = ExpectedOutput.compile(expectedText, a.vary(), literals);
    boolean ok = a.excerpt() ? expected.matchesExcerpt(actual) : expected.matchesAll(actual);
    String problem =
        ok
            ? null
            : "the output differs from the page"
                + expected
                    .firstMissingLine(actual, a.vary(), literals)
                    .map(l -> " (first line not found: '" + l + "')")
                    .orElse("")
                + ".\n--- the page shows (after its substitutions)\n"
                + ExpectedOutput.normalize(expectedText)
                + "\n--- the command printed\n"
                + ExpectedOutput.normalize(actual);
    pendingOrFail(block, problem, a.excerpt() ? "output excerpt matched" : "output matched");
  }

  private void runSql(DocBlock block) {
    if (server == null) {
      throw new BlockFailure(block.where() + ": an SQL block on a page without 'postgres N'");
    }
    String db = block.annotation().database().orElse("postgres");
    String problem = null;
    try {
      server.execute(db, substitute(block.text(), block));
    } catch (IllegalStateException e) {
      problem = e.getMessage();
    }
    pendingOrFail(block, problem, "ran as SQL on " + db);
  }

  private void writeFile(DocBlock block) {
    Path file = Path.of(expand(block.annotation().file().orElseThrow(), block.where()));
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, substitute(block.text(), block));
    } catch (IOException e) {
      throw new BlockFailure(block.where() + ": cannot write " + file + ": " + e);
    }
    entries.add(PageReport.Entry.ran(block, "written to " + file));
  }

  /**
   * Stops the blocks running in the background with SIGTERM, as a service manager does, and judges
   * each: it must have come up and then exited 0.
   */
  private void stopBackground() throws InterruptedException {
    for (var e : background.entrySet()) {
      int exit = e.getKey().terminate();
      DocBlock block = e.getValue().getKey();
      String problem = e.getValue().getValue();
      if (problem.isEmpty() && exit != 0) {
        problem =
            "stopped with SIGTERM, it exited " + exit + " (expected 0):\n" + e.getKey().output();
      }
      try {
        pendingOrFail(
            block, problem.isEmpty() ? null : problem, "ran in the background; SIGTERM: exit 0");
      } catch (BlockFailure f) {
        failures.add(f.getMessage());
      }
    }
    background.clear();
  }

  private List<Annotation.Replace> replaces(DocBlock block) {
    List<Annotation.Replace> all = new ArrayList<>(block.annotation().replaces());
    all.addAll(page.annotation().replaces());
    return all;
  }

  /** The block's text with the reader's substitutions, the block's own first. */
  private String substitute(String text, DocBlock block) {
    String out = text;
    for (Annotation.Replace r : replaces(block)) {
      out = out.replace(r.from(), expand(r.to(), block.where()));
    }
    return out;
  }

  private String expand(String value, String where) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      if (v == null) {
        throw new BlockFailure(
            where + ": {" + m.group(1) + "} is not known here; known: " + vars.keySet());
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String shown(DocBlock block) {
    return "\n  " + block.text().strip().replace("\n", "\n  ");
  }

  /** The failure's first lines, enough to name what is missing in a one-line report. */
  private static String firstLines(String s) {
    String lines =
        String.join(
            " / ", ExpectedOutput.normalize(s).lines().filter(l -> !l.isBlank()).limit(3).toList());
    return lines.length() > 300 ? lines.substring(0, 300) + "..." : lines;
  }

  /** Stops what the page started: servers it left running, its own server, its directory. */
  @Override
  public void close() {
    try {
      stopBackground();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (binaries != null) {
      try (Stream<Path> pids = Files.find(root, 6, (p, attrs) -> p.endsWith("postmaster.pid"))) {
        for (Path pid : pids.toList()) {
          if (server == null || !pid.getParent().equals(server.dataDir())) {
            PgCluster.stopDataDir(binaries, pid.getParent());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (server != null) {
      server.close();
    }
    if (!Boolean.getBoolean("pghs.it.keep")) {
      Cmd.run(List.of("rm", "-rf", root.toString()), null, Map.of(), Duration.ofMinutes(2));
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
    }
  }

  private void requireFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(
          page.name()
              + " relies on PostgreSQL's default port "
              + port
              + ", which something on this machine already uses: stop it to run the docs test",
          e);
    }
  }

  /** A block that failed: the page stops there. */
  private static final class BlockFailure extends RuntimeException {
    BlockFailure(String message) {
      super(message);
    }
  }
}
