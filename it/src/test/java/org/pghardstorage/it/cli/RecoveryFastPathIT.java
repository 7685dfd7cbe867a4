package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * Real PostgreSQL 18 recoveries over many WAL segments through the restore_command a restore writes
 * ({@code --prefetch 8}): the background fetcher fills the spool and the launcher answers from it
 * without starting Java, so far fewer JVMs start than segments are replayed; the recovered data
 * equals the source's; the spool is gone once recovery ends; a fetcher killed during recovery costs
 * time, never data. JVM starts are counted by a wrapper around java ({@code counting-java}) put in
 * front of the command, as an operator could.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecoveryFastPathIT {
  private static final int MAJOR = 18;
  private static final int SEGMENTS = 40;

  private PgCluster source;
  private Path work;
  private String repo;
  private String middleLsn;
  private List<List<String>> sourceRows;
  private List<List<String>> middleRows;
  private int restores;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-fastpath-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    prepare(source);
    repo = "file://" + work.resolve("repo");
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    Cli.Result backup =
        Cli.run("backup", "db1", "--pg-connection", conninfo(source), "--repo", repo);
    assertThat(backup.exitCode()).as(backup.toString()).isZero();
    // one marker per segment after the backup: recovery replays them all
    try (Cli.Background streamer = stream(work.resolve("stream.log"), source, repo)) {
      for (int i = 1; i <= SEGMENTS; i++) {
        mark(source, i, i);
        source.execute("postgres", "SELECT pg_switch_wal()");
        if (i == SEGMENTS / 2) {
          middleLsn = insertLsn(source);
          middleRows = rows(source);
        }
      }
      awaitDurable(streamer, insertLsn(source));
    }
    sourceRows = rows(source);
  }

  @AfterAll
  void tearDown() {
    StreamedCluster.closeAndDelete(source, work);
  }

  private static List<List<String>> rows(PgCluster pg) {
    return pg.query("postgres", "SELECT id, at::text FROM markers ORDER BY id");
  }

  @Test
  @Order(1)
  void aRecoveryToTheLatestIsServedFromTheSpoolAndRecoversEveryRow() {
    Path data = restore("--to-latest");
    Path starts = countJavaStarts(data);
    PgCluster recovered = PgCluster.startExisting(MAJOR, data, source.password(), Map.of());
    try {
      recovered.awaitPromotion(Duration.ofMinutes(3));
      assertThat(rows(recovered)).as("the data equals the source's").isEqualTo(sourceRows);
      assertFewJvms(starts, SEGMENTS, recovered);
      assertThat(data.resolve("pg_wal/pg_hardstorage_prefetch"))
          .as("the spool is removed when recovery ends")
          .doesNotExist();
    } finally {
      recovered.close();
    }
  }

  @Test
  @Order(2)
  void aPointInTimeRecoveryOverManySegmentsStopsAtItsTarget() {
    Path data = restore("--to-lsn", middleLsn);
    Path starts = countJavaStarts(data);
    PgCluster paused = startPaused(MAJOR, data, source.password());
    try {
      assertThat(rows(paused)).isEqualTo(middleRows);
      // PostgreSQL reads ahead of replay: past the target, to the end of these nearly empty
      // segments, as its log shows
      assertFewJvms(starts, SEGMENTS, paused);
    } finally {
      paused.close();
    }
  }

  @Test
  @Order(3)
  void aFetcherKilledDuringRecoveryCostsTimeNotData() {
    Path data = restore("--to-latest");
    Path starts = countJavaStarts(data);
    PgCluster recovered = PgCluster.adoptExisting(MAJOR, data, source.password(), Map.of());
    try {
      recovered.start();
      Path pidFile = data.resolve("pg_wal/pg_hardstorage_prefetch/fetcher.pid");
      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      String killed = null;
      while (killed == null && Instant.now().isBefore(deadline)) {
        killed = readPid(pidFile);
        if (killed == null) {
          sleep(20);
        }
      }
      if (killed != null) {
        // wherever it was: writing a segment, renaming one, asking the repository
        Cmd.run(List.of("kill", "-9", killed), null, Map.of(), Duration.ofSeconds(10));
      }
      assertThat(recovered.awaitPromotionOrExit(Duration.ofMinutes(3)))
          .as("recovery finished; log:\n%s", recovered.logTail())
          .isTrue();
      assertThat(rows(recovered)).isEqualTo(sourceRows);
      assertThat(javaStarts(starts, " wal spool ")).as("a fetcher was started").isPositive();
    } finally {
      recovered.close();
    }
  }

  private static String readPid(Path pidFile) {
    try {
      String text = Files.readString(pidFile).trim();
      return text.isEmpty() ? null : text.split(" ")[0];
    } catch (IOException notYet) {
      return null;
    }
  }

  /** Fewer than a quarter as many foreground JVMs as segments replayed; one fetcher at least. */
  private static void assertFewJvms(Path starts, int segments, PgCluster pg) {
    long fetches = javaStarts(starts, " wal fetch ");
    assertThat(fetches)
        .as("JVMs started for restore_command (%s); log:\n%s", read(starts), pg.logTail())
        .isLessThan(segments / 4);
    assertThat(javaStarts(starts, " wal spool ")).as(read(starts)).isPositive();
  }

  private static long javaStarts(Path log, String kind) {
    return read(log).lines().filter(l -> l.contains(kind)).count();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path restore(String... target) {
    Path dir = work.resolve("restore-" + ++restores);
    List<String> args =
        new java.util.ArrayList<>(
            List.of("restore", "db1", "latest", "--repo", repo, "--target", dir.toString()));
    args.addAll(List.of(target));
    Cli.Result r = Cli.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return dir;
  }

  /**
   * Puts {@code counting-java} in front of the restored cluster's restore_command: it records every
   * JVM start (the arguments) in a file PostgreSQL's OS user can write, then runs java.
   */
  private Path countJavaStarts(Path data) {
    try {
      Path dir = Files.createDirectories(work.resolve("jvm-" + restores));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      Path log = dir.resolve("starts.log");
      Path script = dir.resolve("counting-java");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Files.writeString(
          script,
          "#!/bin/sh\necho \"$*\" >>" + log + "\nexec " + java + " \"$@\"\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path conf = data.resolve("postgresql.auto.conf");
      List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
      List<String> out =
          lines.stream()
              .map(
                  l ->
                      l.startsWith("restore_command = '")
                          ? "restore_command = 'PGHS_JAVA="
                              + script
                              + " "
                              + l.substring("restore_command = '".length())
                          : l)
              .toList();
      assertThat(out).isNotEqualTo(lines);
      Files.write(conf, out, StandardCharsets.UTF_8);
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
