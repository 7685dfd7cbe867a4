package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * restore_command tells PostgreSQL the truth, proven by real recoveries of PostgreSQL 18 to the
 * latest WAL: for each way the answer can be unknown (repository unreachable, a hole in the
 * archive, a damaged segment, a mistyped option, a JVM that cannot start or runs out of memory, a
 * key error, WAL rotated away under the recovery) the server aborts recovery instead of promoting
 * early, and once the cause is fixed a restart recovers every committed row. Without the fix, each
 * of these ended recovery at the fault and promoted, silently losing the later commits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreCommandFailClosedIT {
  private static final int MAJOR = 18;
  private static final int ROWS = 50;

  private PgCluster source;
  private Path work;
  private Path repoDir;
  private String repo;
  private String backupEndSegment;
  private int restores;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-rcmd-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    prepare(source);
    repoDir = work.resolve("repo");
    repo = "file://" + repoDir;
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    Cli.Result backup =
        Cli.run("backup", "db1", "--pg-connection", conninfo(source), "--repo", repo);
    assertThat(backup.exitCode()).as(backup.toString()).isZero();
    long end = lsn(backup.result().path("end_lsn").asText());
    backupEndSegment = String.format("00000001%08X%08X", end >>> 32, (end & 0xFFFFFFFFL) >>> 24);
    // the committed rows spread over several complete segments after the backup, and a partial
    try (Cli.Background streamer = stream(work.resolve("stream.log"), source, repo)) {
      for (int batch = 0; batch < 5; batch++) {
        mark(source, batch * 10 + 1, batch * 10 + 10);
        if (batch < 4) {
          source.execute("postgres", "SELECT pg_switch_wal()");
        }
      }
      awaitDurable(streamer, insertLsn(source));
    }
  }

  @AfterAll
  void tearDown() {
    StreamedCluster.closeAndDelete(source, work);
  }

  /**
   * One breakage: done to the restored directory or the repository, undone afterwards; PostgreSQL
   * must abort recovery with {@code expected} in its log.
   */
  private record Fault(
      String what, Consumer<Path> breakIt, Consumer<Path> repair, String expected) {}

  /**
   * The faults are applied one after another to one restored directory: each makes PostgreSQL abort
   * recovery without promoting; once it is repaired, the next start gets past it (and aborts at the
   * next fault, at the same WAL file or a later one); after the last repair recovery finishes with
   * every committed row. A hole and a damaged segment are made together, before recovery first
   * runs, so that the prefetch spool cannot hold a good copy of the damaged segment.
   */
  @Test
  @Order(1)
  void everyFailureToAnswerAbortsRecoveryAndEachRepairLetsItContinue() {
    Path offline = work.resolve("repo.offline");
    List<Path> segments = walObjects();
    Path hole = segments.get(2);
    Path aside = work.resolve("aside-" + hole.getFileName());
    Path damaged = segments.get(3);
    Path copy = work.resolve("copy-" + damaged.getFileName());
    List<Fault> faults =
        List.of(
            new Fault(
                "the repository volume is not mounted",
                data -> move(repoDir, offline),
                data -> move(offline, repoDir),
                "the repository root " + repoDir + " does not exist"),
            new Fault(
                "restore_command has an unknown option",
                data -> editRestoreCommand(data, c -> c + " --no-such-option"),
                data -> editRestoreCommand(data, c -> c.replace(" --no-such-option", "")),
                "Unknown option"),
            new Fault(
                "the JVM exits 1 before pg_hardstorage runs",
                data -> editRestoreCommand(data, c -> "PGHS_JAVA_OPTS=-XX:+NoSuchJvmFlag " + c),
                data ->
                    editRestoreCommand(
                        data, c -> c.replace("PGHS_JAVA_OPTS=-XX:+NoSuchJvmFlag ", "")),
                "exiting 255"),
            new Fault(
                "the JVM runs out of memory",
                data -> editRestoreCommand(data, c -> "PGHS_JAVA_OPTS=-Xmx6m " + c),
                data -> editRestoreCommand(data, c -> c.replace("PGHS_JAVA_OPTS=-Xmx6m ", "")),
                "OutOfMemoryError"),
            new Fault(
                "restore_command is given a key for a repository that has none",
                data -> editRestoreCommand(data, c -> "PGHS_PASSPHRASE=not-the-key " + c),
                data ->
                    editRestoreCommand(data, c -> c.replace("PGHS_PASSPHRASE=not-the-key ", "")),
                "not encrypted"),
            new Fault(
                "segment " + hole.getFileName() + " is missing (and the next one damaged)",
                data -> {
                  move(hole, aside);
                  copy(damaged, copy);
                  flipByte(damaged);
                },
                data -> move(aside, hole),
                "is missing, but"),
            new Fault(
                "segment " + damaged.getFileName() + " is damaged",
                data -> {},
                data -> copy(copy, damaged),
                "is damaged"));
    Path data = restore(firstBackup());
    for (Fault f : faults) {
      f.breakIt().accept(data);
      try {
        PgCluster failing = PgCluster.adoptExisting(MAJOR, data, source.password(), Map.of());
        try {
          assertAborted(failing, data, f.expected());
        } catch (AssertionError e) {
          throw new AssertionError("when " + f.what() + ": " + e.getMessage(), e);
        } finally {
          failing.close();
        }
      } finally {
        f.repair().accept(data);
      }
    }
    PgCluster recovered = PgCluster.adoptExisting(MAJOR, data, source.password(), Map.of());
    try {
      startQuietly(recovered);
      assertThat(recovered.awaitPromotionOrExit(Duration.ofMinutes(3)))
          .as("after every repair, recovery finishes; log:\n%s", recovered.logTail())
          .isTrue();
      assertThat(markers(recovered)).as("every committed row").isEqualTo(range(1, ROWS));
      assertThat(data.resolve("pg_wal/pg_hardstorage_prefetch"))
          .as("the prefetch spool is removed when recovery ends")
          .doesNotExist();
    } finally {
      recovered.close();
    }
  }

  @Test
  @Order(2)
  void walRotatedAwayUnderARecoveryAbortsIt() {
    String first = firstBackup();
    Cli.Result second =
        Cli.run("backup", "db1", "--pg-connection", conninfo(source), "--repo", repo);
    assertThat(second.exitCode()).as(second.toString()).isZero();
    Path data = restore(first);
    // the operator (or a schedule) rotates the first backup and its WAL away meanwhile
    Cli.Result rotate = Cli.run("rotate", "db1", "--repo", repo, "--keep-hourly", "1", "--apply");
    assertThat(rotate.exitCode()).as(rotate.toString()).isZero();
    assertThat(Cli.run("list", "db1", "--repo", repo).result().path("backups").size()).isEqualTo(1);

    PgCluster pg = PgCluster.adoptExisting(MAJOR, data, source.password(), Map.of());
    try {
      assertAborted(pg, data, "rotated away");
    } finally {
      pg.close();
    }
    // the fix: recover from the backup that was kept
    Path fromKept = restore(second.result().path("backup_id").asText());
    PgCluster recovered = PgCluster.adoptExisting(MAJOR, fromKept, source.password(), Map.of());
    try {
      startQuietly(recovered);
      assertThat(recovered.awaitPromotionOrExit(Duration.ofMinutes(3)))
          .as("promoted; log:\n%s", recovered.logTail())
          .isTrue();
      assertThat(markers(recovered)).isEqualTo(range(1, ROWS));
    } finally {
      recovered.close();
    }
  }

  /** PostgreSQL stopped with a FATAL recovery error and did not promote. */
  private static void assertAborted(PgCluster pg, Path data, String expected) {
    startQuietly(pg);
    boolean promoted = pg.awaitPromotionOrExit(Duration.ofMinutes(3));
    String log = pg.logTail();
    assertThat(promoted).as("recovery must abort, not promote; log:\n%s", log).isFalse();
    assertThat(log)
        .contains("FATAL")
        .contains(expected)
        .doesNotContain("archive recovery complete");
    assertThat(data.resolve("recovery.signal")).as("still to be recovered").exists();
    try (Stream<Path> wal = Files.list(data.resolve("pg_wal"))) {
      assertThat(wal.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".history")))
          .as("no new timeline was chosen")
          .isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** pg_ctl fails when recovery dies before the server is ready; either way we watch the log. */
  private static void startQuietly(PgCluster pg) {
    try {
      pg.start();
    } catch (IllegalStateException startFailed) {
      // awaitPromotionOrExit tells which
    }
  }

  private String firstBackup() {
    return Cli.run("list", "db1", "--repo", repo)
        .result()
        .path("backups")
        .path(0)
        .path("backup_id")
        .asText();
  }

  private Path restore(String backupId) {
    Path target = work.resolve("restore-" + ++restores);
    Cli.Result r =
        Cli.run(
            "restore",
            "db1",
            backupId,
            "--repo",
            repo,
            "--target",
            target.toString(),
            "--to-latest");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return target;
  }

  /** The deployment's complete WAL segment objects of timeline 1, oldest first. */
  private List<Path> walObjects() {
    try (Stream<Path> s = Files.list(repoDir.resolve("wal/db1/00000001"))) {
      List<Path> all =
          s.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().toList();
      List<Path> after =
          all.stream()
              .filter(p -> p.getFileName().toString().compareTo(backupEndSegment) > 0)
              .toList();
      assertThat(after).as("complete segments after the backup in %s", all).hasSizeGreaterThan(3);
      return after;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void editRestoreCommand(Path data, java.util.function.UnaryOperator<String> edit) {
    Path conf = data.resolve("postgresql.auto.conf");
    try {
      List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
      List<String> out =
          lines.stream()
              .map(
                  l -> {
                    if (!l.startsWith("restore_command = '")) {
                      return l;
                    }
                    String command = l.substring("restore_command = '".length(), l.length() - 1);
                    return "restore_command = '" + edit.apply(command) + "'";
                  })
              .toList();
      assertThat(out).isNotEqualTo(lines);
      Files.write(conf, out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void flipByte(Path file) {
    try {
      byte[] b = Files.readAllBytes(file);
      b[b.length / 2] ^= 0x40;
      Files.write(file, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
