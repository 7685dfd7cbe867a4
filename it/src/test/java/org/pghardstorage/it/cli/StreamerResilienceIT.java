package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The streamer survives SIGKILL without leaving gaps, and follows a timeline switch (a restored
 * copy promoted and streamed from) without a hole between timelines. PostgreSQL 17.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamerResilienceIT {
  static final int MAJOR = 17;
  PgCluster source;
  Path work;
  String repo;
  String lsnBetweenKills;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-resilience-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    prepare(source);
    source.execute("postgres", "CREATE DATABASE bench");
    Pgbench.init(source, "bench", 2);
    repo = "file://" + work.resolve("repo");
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    Cli.Result b = Cli.run("backup", "db1", "--pg-connection", conninfo(source), "--repo", repo);
    assertThat(b.exitCode()).as(b.toString()).isZero();
  }

  @AfterAll
  void tearDown() {
    if (source != null) {
      source.close();
    }
    Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
  }

  @Test
  @Order(1)
  void killingTheStreamerRepeatedlyUnderLoadLeavesNoGap() {
    try (Pgbench load = Pgbench.start(source, "bench", 2, 150, Duration.ofMinutes(10))) {
      for (int round = 0; round < 3; round++) {
        Cli.Background streamer = stream(work.resolve("stream-" + round + ".log"), source, repo);
        try {
          mark(source, round * 10 + 1, round * 10 + 5);
          String lsn = insertLsn(source);
          if (round == 1) {
            lsnBetweenKills = lsn;
          }
          awaitDurable(streamer, lsn);
          sleep(700); // let more WAL arrive unflushed, so the kill loses in-memory data
          mark(source, round * 10 + 6, round * 10 + 8);
        } finally {
          streamer.kill();
        }
      }
      Cli.Background last = stream(work.resolve("stream-last.log"), source, repo);
      try {
        mark(source, 100, 100);
        awaitDurable(last, insertLsn(source));
        // a backup while the streamer runs takes its WAL from the streamer, not a second receiver
        Cli.Result b =
            Cli.run("backup", "db1", "--pg-connection", conninfo(source), "--repo", repo);
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(b.result().path("wal_segments").asInt()).isZero();
        assertThat(Cli.run("verify", "db1", "latest", "--repo", repo).exitCode()).isZero();
        assertThat(load.running()).isTrue();
      } finally {
        assertThat(last.terminate()).as("clean stop on SIGTERM:\n%s", last.output()).isZero();
      }
    }
    Cli.Result audit = Cli.run("wal", "audit", "db1", "--repo", repo);
    assertThat(audit.exitCode()).as(audit.toString()).isZero();
    assertThat(audit.result().path("gaps")).isEmpty();

    Path target = work.resolve("between-kills");
    Cli.Result r =
        Cli.run(
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            target.toString(),
            "--to-lsn",
            lsnBetweenKills);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    PgCluster restored = startPaused(MAJOR, target, source.password());
    try {
      List<Integer> expected = new ArrayList<>(range(1, 8));
      expected.addAll(range(11, 15));
      assertThat(markers(restored)).isEqualTo(expected);
    } finally {
      restored.close();
    }
  }

  @Test
  @Order(2)
  void aTimelineSwitchIsFollowedWithoutAHole() {
    // Fail over: restore everything streamed so far, promote it (timeline 2), retire the source.
    Path promotedDir = work.resolve("promoted");
    Cli.Result r =
        Cli.run(
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            promotedDir.toString(),
            "--to-latest");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    source.stop();
    PgCluster promoted = PgCluster.startExisting(MAJOR, promotedDir, source.password(), Map.of());
    try {
      promoted.awaitPromotion(Duration.ofMinutes(3));
      assertThat(promoted.queryValue("postgres", "SELECT timeline_id FROM pg_control_checkpoint()"))
          .isEqualTo("2");
      List<Integer> before = markers(promoted);
      assertThat(before).contains(100);

      Cli.Background streamer = stream(work.resolve("stream-tli2.log"), promoted, repo);
      String target;
      try {
        mark(promoted, 201, 205);
        target = insertLsn(promoted);
        mark(promoted, 206, 206);
        awaitDurable(streamer, insertLsn(promoted));
      } finally {
        assertThat(streamer.terminate()).as("clean stop on SIGTERM").isZero();
      }

      Cli.Result audit = Cli.run("wal", "audit", "db1", "--repo", repo);
      assertThat(audit.exitCode()).as(audit.toString()).isZero();
      assertThat(audit.result().path("timelines").findValuesAsText("timeline"))
          .containsExactly("1", "2");

      Path pitr = work.resolve("after-switch");
      Cli.Result restore =
          Cli.run(
              "restore",
              "db1",
              "latest",
              "--repo",
              repo,
              "--target",
              pitr.toString(),
              "--to-lsn",
              target);
      assertThat(restore.exitCode()).as(restore.toString()).isZero();
      PgCluster restored = startPaused(MAJOR, pitr, source.password());
      try {
        List<Integer> expected = new ArrayList<>(before);
        expected.addAll(range(201, 205));
        assertThat(markers(restored)).isEqualTo(expected);
      } finally {
        restored.close();
      }
    } finally {
      promoted.close();
    }
  }
}
