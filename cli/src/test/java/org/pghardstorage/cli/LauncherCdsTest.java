package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class data sharing archive, with the real JVM: the background fetcher writes it
 * when it exits, later starts map it, and nothing about it (missing, truncated, stale, in a
 * directory others could write, a JVM that cannot write one, a JVM that dies with it) makes a call
 * fail. The installation holds one jar with a stand-in {@code org.pghardstorage.cli.Main} ({@code
 * stand-in-main}) that records its arguments and the JVM options it was started with, then exits
 * with {@code STAND_IN_EXIT}; the launcher runs under dash with {@code -u}, as PostgreSQL's OS user
 * would, with no HOME (so the archive goes to a private directory in TMPDIR).
 */
class LauncherCdsTest {
  private static final String SEG = "000000010000000000000022";

  private static final String STAND_IN_MAIN =
      """
      package org.pghardstorage.cli;

      import java.lang.management.ManagementFactory;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.nio.file.StandardOpenOption;

      /**
       * stand-in-main: one line per start, its arguments, then "|", then the JVM options; as the
       * fetcher (wal spool), it first waits while the file STAND_IN_HOLD names exists.
       */
      public final class Main {
        public static void main(String[] args) throws Exception {
          String hold = System.getenv("STAND_IN_HOLD");
          boolean fetcher = args.length > 1 && args[1].equals("spool");
          while (fetcher && hold != null && Files.exists(Path.of(hold))) {
            Thread.sleep(20);
          }
          String line = String.join(" ", args) + " | "
              + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()) + "\\n";
          Files.writeString(Path.of(System.getenv("STAND_IN_LOG")), line, StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          System.exit(Integer.parseInt(System.getenv().getOrDefault("STAND_IN_EXIT", "0")));
        }
      }
      """;

  @TempDir Path tmp;
  private Path launcher;
  private Path lib;
  private Path startLog;
  private Path data;
  private Path tmpDir;
  private String java;
  private Path hold;

  @BeforeEach
  void install() throws IOException, InterruptedException {
    Path home = tmp.resolve("inst");
    Files.createDirectories(home.resolve("bin"));
    lib = Files.createDirectories(home.resolve("lib"));
    launcher = home.resolve("bin/pg_hardstorage");
    Files.copy(Path.of("src/main/dist/bin/pg_hardstorage"), launcher);
    jarStandInMain(lib.resolve("pg-hardstorage-cli.jar"));
    java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    startLog = tmp.resolve("starts.log");
    hold = tmp.resolve("hold");
    tmpDir = Files.createDirectories(tmp.resolve("tmpdir"));
    data = tmp.resolve("data");
    Files.createDirectories(data.resolve("pg_wal"));
    Files.writeString(
        data.resolve("postmaster.pid"),
        ProcessHandle.current().pid() + "\n" + data + "\n1700000000\n5432\n/tmp\n*\n1\nready\n");
  }

  private void jarStandInMain(Path jar) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src/org/pghardstorage/cli"));
    Files.writeString(src.resolve("Main.java"), STAND_IN_MAIN);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(null, null, null, "-d", classes.toString(), src.resolve("Main.java").toString());
    assertThat(rc).as("javac of the stand-in Main").isZero();
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("org/pghardstorage/cli/Main.class"));
      j.write(Files.readAllBytes(classes.resolve("org/pghardstorage/cli/Main.class")));
      j.closeEntry();
    }
  }

  private record Run(int exit, String stdout, String stderr) {}

  /** Runs the launcher in the data directory with {@code args}; Java is {@code javaPath}. */
  private Run launch(String javaPath, String javaOpts, String exit, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("dash", "-u", launcher.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(data.toFile());
    pb.environment().remove("HOME");
    pb.environment().remove("XDG_CACHE_HOME");
    pb.environment().remove("PGHS_CDS");
    pb.environment().put("TMPDIR", tmpDir.toString());
    pb.environment().put("PGHS_JAVA", javaPath);
    pb.environment().put("PGHS_JAVA_OPTS", javaOpts);
    pb.environment().put("STAND_IN_LOG", startLog.toString());
    pb.environment().put("STAND_IN_EXIT", exit);
    pb.environment().put("STAND_IN_HOLD", hold.toString());
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Run restoreCommand(String javaPath, String javaOpts, String exit, String... prefetch)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("wal", "fetch", "db1", SEG, "pg_wal/RECOVERYXLOG"));
    args.addAll(List.of(prefetch));
    args.addAll(List.of("--restore-command", "--output", "text", "--repo", "file:///r"));
    return launch(javaPath, javaOpts, exit, args);
  }

  /** A call that starts the background fetcher (and, as it answers nothing, asks Java too). */
  private Run startFetcher(String javaOpts) throws IOException, InterruptedException {
    return startFetcher(java, javaOpts);
  }

  private Run startFetcher(String javaPath, String javaOpts)
      throws IOException, InterruptedException {
    Files.deleteIfExists(data.resolve("pg_wal/pg_hardstorage_prefetch/fetcher.starting"));
    return restoreCommand(javaPath, javaOpts, "0", "--prefetch", "8", "--prefetch-wait", "0");
  }

  private Path cacheDir() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes()).trim();
    assertThat(id.waitFor()).isZero();
    return tmpDir.resolve("pg_hardstorage-" + uid);
  }

  private List<Path> archives() throws IOException, InterruptedException {
    if (!Files.isDirectory(cacheDir())) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cacheDir())) {
      return s.filter(p -> p.getFileName().toString().matches("cds-[0-9]+-[0-9]+\\.jsa")).toList();
    }
  }

  /** Waits for the detached fetcher to have written, checked and renamed its archive. */
  private Path awaitArchive() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (archives().isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    assertThat(archives()).as("the archive the fetcher wrote").hasSize(1);
    return archives().get(0);
  }

  /** Waits until {@code n} starts are recorded (the detached fetcher records after we return). */
  private List<String> awaitStarts(int n) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (starts().size() < n && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    return starts();
  }

  private List<String> starts() throws IOException {
    return Files.exists(startLog) ? Files.readAllLines(startLog) : List.of();
  }

  private Optional<String> lastStartOf(String verb) throws IOException {
    List<String> s = starts();
    for (int i = s.size() - 1; i >= 0; i--) {
      if (s.get(i).startsWith(verb)) {
        return Optional.of(s.get(i));
      }
    }
    return Optional.empty();
  }

  private Run version() throws IOException, InterruptedException {
    return launch(java, "", "0", List.of("--version"));
  }

  @Test
  void theFetcherWritesTheArchiveAndLaterStartsMapIt() throws Exception {
    Run first = startFetcher("");
    assertThat(first.exit()).as(first.toString()).isZero();
    Path archive = awaitArchive();
    assertThat(lastStartOf("wal spool")).get().asString().doesNotContain("SharedArchiveFile");
    assertThat(archive.getFileName().toString())
        .as("its size in its name")
        .endsWith("-" + Files.size(archive) + ".jsa");
    assertThat(Files.getPosixFilePermissions(cacheDir()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    Path classLoad = tmp.resolve("class-load.log");
    Run mapped = launch(java, "-Xlog:class+load:file=" + classLoad, "0", List.of("--version"));
    assertThat(mapped.exit()).as(mapped.toString()).isZero();
    assertThat(lastStartOf("--version"))
        .get()
        .asString()
        .contains("-XX:SharedArchiveFile=" + archive);
    assertThat(Files.readAllLines(classLoad))
        .as("Main came from the archive")
        .anyMatch(
            l -> l.contains("org.pghardstorage.cli.Main ") && l.contains("shared objects file"));

    Run rc = restoreCommand(java, "", "99");
    assertThat(rc.exit()).as("absent, through the archive: %s", rc).isEqualTo(1);
    assertThat(lastStartOf("wal fetch")).get().asString().contains("-XX:SharedArchiveFile=");
    assertThat(rc.stdout() + rc.stderr()).as("the JVM said nothing of CDS").doesNotContain("cds");
  }

  @Test
  void theArchiveIsWrittenWhenTheDataDirectoryIsGoneBeforeTheFetcherEnds() throws Exception {
    // as when a restored copy is deleted right after its recovery: the fetcher's working
    // directory no longer exists when it ends
    Files.createFile(hold);
    Run r = startFetcher("");
    assertThat(r.exit()).as(r.toString()).isZero();
    try (Stream<Path> s = Files.walk(data)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.delete(hold);
    assertThat(awaitArchive()).exists();
  }

  @Test
  void aTruncatedArchiveIsNeverMappedAndIsReplaced() throws Exception {
    startFetcher("");
    Path archive = awaitArchive();
    try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(archive) / 2);
    }
    // the JVM dies of SIGBUS on a truncated archive: the launcher must not hand it over
    Run r = version();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(lastStartOf("--version")).get().asString().doesNotContain("SharedArchiveFile");

    Files.delete(archive);
    Files.delete(startLog);
    startFetcher("");
    assertThat(awaitArchive()).as("a new one").exists();
    assertThat(awaitStarts(2)).anyMatch(s -> s.startsWith("wal spool"));
  }

  @Test
  void anArchiveOlderThanAJarIsNotMapped() throws Exception {
    startFetcher("");
    Path archive = awaitArchive();
    Files.setLastModifiedTime(
        lib.resolve("pg-hardstorage-cli.jar"),
        FileTime.from(Files.getLastModifiedTime(archive).toInstant().plusSeconds(5)));
    Run r = version();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(lastStartOf("--version")).get().asString().doesNotContain("SharedArchiveFile");
  }

  @Test
  void aDirectoryOthersCanWriteOrALinkIsNotUsed() throws Exception {
    Files.createDirectories(cacheDir());
    Files.setPosixFilePermissions(cacheDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
    startFetcher("");
    assertThat(awaitStarts(2)).anyMatch(s -> s.startsWith("wal spool"));
    assertThat(lastStartOf("wal spool")).get().asString().doesNotContain("ArchiveClassesAtExit");
    assertThat(version().exit()).isZero();
    assertThat(archives()).isEmpty();
    try (Stream<Path> s = Files.list(cacheDir())) {
      assertThat(s.toList()).as("nothing written into it").isEmpty();
    }

    Files.delete(cacheDir());
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(cacheDir(), elsewhere);
    Files.delete(startLog);
    startFetcher("");
    assertThat(awaitStarts(2)).anyMatch(s -> s.startsWith("wal spool"));
    assertThat(lastStartOf("wal spool")).get().asString().doesNotContain("ArchiveClassesAtExit");
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.toList()).as("nothing written through the link").isEmpty();
    }
  }

  @Test
  void aDirectoryWhosePathWouldSplitIsNotUsed() throws Exception {
    // the archive's path goes into an option list that the launcher splits into words
    tmpDir = Files.createDirectories(tmp.resolve("tmp dir"));
    Run r = startFetcher("");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(awaitStarts(2)).anyMatch(s -> s.startsWith("wal spool"));
    assertThat(version().exit()).isZero();
    assertThat(lastStartOf("--version")).get().asString().doesNotContain("SharedArchiveFile");
    try (Stream<Path> s = Files.list(tmpDir)) {
      assertThat(s.toList()).as("nothing written there").isEmpty();
    }
  }

  @Test
  void aJvmThatCannotWriteAnArchiveStillRunsTheFetcher() throws Exception {
    // without the JDK's base archive the JVM refuses -XX:ArchiveClassesAtExit at start-up
    Run r = startFetcher("-Xshare:off");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(awaitStarts(2))
        .as("the fetcher ran, without the archive")
        .anyMatch(s -> s.startsWith("wal spool") && !s.contains("ArchiveClassesAtExit"));
    assertThat(archives()).isEmpty();
  }

  @Test
  void aJvmThatDiesWithTheArchiveIsAskedAgainWithoutIt() throws Exception {
    // a JVM that aborts (hs_err, status 134) when it runs pg_hardstorage with an archive mapped
    Path dying = tmp.resolve("dying-java");
    Files.writeString(
        dying,
        "#!/bin/sh\n"
            + "# dying-java: aborts as a JVM fatal error does when it maps an archive for Main\n"
            + "case \" $* \" in *' -XX:SharedArchiveFile='*' org.pghardstorage.cli.Main '*)"
            + " exit 134 ;; esac\n"
            + "exec '"
            + java
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(dying, PosixFilePermissions.fromString("rwxr-xr-x"));
    startFetcher(dying.toString(), "");
    Path archive = awaitArchive();
    Files.delete(startLog);
    Run r = restoreCommand(dying.toString(), "", "99");
    assertThat(r.exit()).as("the repository's answer, from the second JVM: %s", r).isEqualTo(1);
    assertThat(starts()).hasSize(1);
    assertThat(starts().get(0)).doesNotContain("SharedArchiveFile");
    assertThat(archive).as("dropped").doesNotExist();
  }

  @Test
  void pghsCdsOffTurnsItOff() throws Exception {
    startFetcher("");
    awaitArchive();
    List<String> cmd = List.of("dash", "-u", launcher.toString(), "--version");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(data.toFile());
    pb.environment().remove("HOME");
    pb.environment().put("TMPDIR", tmpDir.toString());
    pb.environment().put("PGHS_JAVA", java);
    pb.environment().put("PGHS_CDS", "off");
    pb.environment().put("STAND_IN_LOG", startLog.toString());
    Process p = pb.redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    assertThat(lastStartOf("--version")).get().asString().doesNotContain("SharedArchiveFile");
  }
}
