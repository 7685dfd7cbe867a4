package org.pghardstorage.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.awaitDurable;
import static org.pghardstorage.it.cli.StreamedCluster.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.it.cli.Cli;
import org.pghardstorage.it.cli.Pgbench;
import org.pghardstorage.it.cli.StreamedCluster;

/**
 * Kill points: under pgbench and a ledger of committed ids, the streamer, backups, rotations (with
 * garbage collection) and restores are killed with SIGKILL at seeded random moments, at least 20
 * times a run ({@code -Dpghs.faults.kills=N} for longer soaks, {@code -Dpghs.faults.seed=S} to
 * replay a run; both are printed). Afterwards every committed backup verifies, the WAL audit finds
 * no gap, and a restore to the latest WAL holds every committed ledger row: commits lost = 0.
 *
 * <p>The source runs with a small {@code max_wal_size}, so PostgreSQL recycles WAL soon after the
 * slot lets it: a streamer that confirmed WAL before it was durable would lose it here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillPointsIT {
  private static final int MAJOR = 16;
  private static final int KILLS = Integer.getInteger("pghs.faults.kills", 20);
  private static final long SEED = Long.getLong("pghs.faults.seed", new SecureRandom().nextLong());

  /** What is killed. */
  enum Victim {
    STREAMER,
    BACKUP,
    ROTATE,
    RESTORE
  }

  private PgCluster source;
  private Path work;
  private Path repoDir;
  private String repo;
  private final Map<Victim, int[]> outcomes = new EnumMap<>(Victim.class);

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-kill-");
    source =
        PgCluster.builder(MAJOR)
            .in(work.resolve("source"))
            .setting("max_wal_size", "32MB")
            .setting("min_wal_size", "32MB")
            .setting("checkpoint_timeout", "30s")
            .start();
    StreamedCluster.prepare(source);
    source.execute("postgres", "CREATE DATABASE bench");
    Pgbench.init(source, "bench", 2);
    repoDir = work.resolve("repo");
    repo = "file://" + repoDir;
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    backupToCompletion();
  }

  @AfterAll
  void tearDown() {
    StreamedCluster.closeAndDelete(source, work);
  }

  @Test
  void everyCommitSurvivesKillsOfEveryWriter() {
    System.out.printf("fault suite: %d kill points, seed %d%n", KILLS, SEED);
    Random random = new Random(SEED);
    Cli.Background streamer = stream(0);
    int kills = 0;
    java.util.Set<String> verified = new java.util.HashSet<>();
    try (Pgbench load = Pgbench.start(source, "bench", 2, 150, Duration.ofMinutes(20));
        Ledger ledger = Ledger.start(source)) {
      for (int round = 1; kills < KILLS; round++) {
        Victim victim = Victim.values()[random.nextInt(Victim.values().length)];
        // backups and rotations take several seconds: some are killed late, some finish first
        long delay =
            150 + random.nextInt(victim == Victim.BACKUP || victim == Victim.ROTATE ? 9000 : 3500);
        boolean killed =
            switch (victim) {
              case STREAMER -> {
                sleep(delay);
                streamer.kill();
                streamer = stream(round);
                yield true;
              }
              case BACKUP -> killDuring(round, delay, backupArgs());
              case ROTATE -> {
                if (backups().size() < 2) {
                  backupToCompletion();
                }
                yield killDuring(
                    round, delay, "rotate", "db1", "--repo", repo, "--keep-hourly", "1", "--apply");
              }
              case RESTORE -> {
                Path target = work.resolve("restore-" + round);
                boolean k =
                    killDuring(
                        round,
                        delay,
                        "restore",
                        "db1",
                        "latest",
                        "--repo",
                        repo,
                        "--target",
                        target.toString(),
                        "--no-sync");
                // an interrupted restore is replaced by the same restore with --force
                Cli.Result again =
                    Cli.run(
                        "restore",
                        "db1",
                        "latest",
                        "--repo",
                        repo,
                        "--target",
                        target.toString(),
                        "--no-sync",
                        "--force");
                assertThat(again.exitCode()).as("restore after a kill: %s", again).isZero();
                Cmd.run(
                    List.of("rm", "-rf", target.toString()), null, Map.of(), Duration.ofMinutes(1));
                yield k;
              }
            };
        outcomes.computeIfAbsent(victim, v -> new int[2])[killed ? 0 : 1]++;
        if (killed) {
          kills++;
          System.out.printf("  kill point %d: %s after %d ms%n", kills, victim, delay);
          // after each kill: the archive is whole, and every backup committed since the last
          // check verifies (before a later rotation could delete it); a restore follows at the end
          Cli.Result audit = Cli.run("wal", "audit", "db1", "--repo", repo);
          assertThat(audit.exitCode())
              .as("no WAL gap after kill point %d (%s): %s", kills, victim, audit)
              .isZero();
          verifyNew(verified, "after kill point " + kills + " (" + victim + ")");
        }
        assertThat(load.running()).as("pgbench runs throughout").isTrue();
      }
      ledger.stop();
      // the last word: everything committed is made durable by a streamer that was not killed
      String end = source.queryValue("postgres", "SELECT pg_current_wal_insert_lsn()");
      awaitDurable(streamer, end);
      long committed = ledger.committed();
      streamer.terminate();

      List<String> backups = backups();
      for (String id : backups) {
        verified.add(id);
        Cli.Result v = Cli.run("verify", "db1", id, "--repo", repo);
        assertThat(v.exitCode()).as("backup %s verifies: %s", id, v).isZero();
      }
      Cli.Result audit = Cli.run("wal", "audit", "db1", "--repo", repo);
      assertThat(audit.exitCode()).as("no WAL gap: %s", audit).isZero();

      List<Long> restored = restoreLatestLedger();
      List<Long> expected =
          source.query("postgres", "SELECT id FROM ledger ORDER BY id").stream()
              .map(row -> Long.parseLong(row.get(0)))
              .toList();
      long lost = expected.stream().filter(id -> !restored.contains(id)).count();
      FaultFigures.record(
          "kill points survived",
          kills
              + " (seed "
              + SEED
              + "; "
              + outcomes.entrySet().stream()
                  .map(
                      e ->
                          e.getKey()
                              + " "
                              + e.getValue()[0]
                              + " killed/"
                              + e.getValue()[1]
                              + " finished first")
                  .toList()
              + "; "
              + verified.size()
              + " committed backups verified, "
              + backups.size()
              + " kept at the end)");
      FaultFigures.record("commits lost", lost + " of " + committed);
      assertThat(lost).as("committed ledger rows missing from the restore").isZero();
      assertThat(restored).isEqualTo(expected);
    } finally {
      streamer.close();
    }
  }

  /** Verifies every committed backup not verified yet, adding it to {@code verified}. */
  private void verifyNew(java.util.Set<String> verified, String when) {
    for (String id : backups()) {
      if (verified.add(id)) {
        Cli.Result v = Cli.run("verify", "db1", id, "--repo", repo);
        assertThat(v.exitCode()).as("backup %s verifies %s: %s", id, when, v).isZero();
      }
    }
  }

  /**
   * Starts {@code args} in the background and SIGKILLs it after {@code delay}, if still running.
   */
  private boolean killDuring(int round, long delay, String... args) {
    Cli.Background bg = Cli.start(work.resolve("round-" + round + ".log"), args);
    long pid = bg.process().pid();
    sleep(delay);
    boolean alive = bg.process().isAlive();
    bg.kill();
    if (alive) {
      Locks.releaseLocksOf(repo, pid);
    }
    return alive;
  }

  private String[] backupArgs() {
    return new String[] {"backup", "db1", "--pg-connection", conninfo(), "--repo", repo};
  }

  private void backupToCompletion() {
    Cli.Result b = Cli.run(backupArgs());
    assertThat(b.exitCode()).as(b.toString()).isZero();
  }

  private List<String> backups() {
    List<String> out = new ArrayList<>();
    for (JsonNode b : Cli.run("list", "db1", "--repo", repo).result().path("backups")) {
      out.add(b.path("backup_id").asText());
    }
    return out;
  }

  private Cli.Background stream(int round) {
    return StreamedCluster.stream(work.resolve("stream-" + round + ".log"), source, repo);
  }

  private String conninfo() {
    return StreamedCluster.conninfo(source);
  }

  private List<Long> restoreLatestLedger() {
    PgCluster restored =
        StreamedCluster.restoreLatestAndStart(
            MAJOR, repo, work.resolve("final"), source.password());
    try {
      return restored.query("postgres", "SELECT id FROM ledger ORDER BY id").stream()
          .map(row -> Long.parseLong(row.get(0)))
          .toList();
    } finally {
      restored.close();
    }
  }
}
