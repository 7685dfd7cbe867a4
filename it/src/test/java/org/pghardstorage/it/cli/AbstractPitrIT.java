package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * Exact point-in-time recovery under pgbench load with the streamer running: markers are inserted
 * around a named restore point, an LSN and a time; restoring to each yields exactly the markers
 * before it, and {@code --to-latest} yields a row committed two seconds before the restore.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPitrIT {
  abstract int major();

  PgCluster source;
  Path work;
  String repo;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-pitr" + major() + "-");
    source = PgCluster.builder(major()).in(work.resolve("source")).start();
    prepare(source);
    source.execute("postgres", "CREATE DATABASE bench");
    Pgbench.init(source, "bench", 2);
    repo = repositoryUrl();
  }

  /** Where the repository lives: a directory here; other backends override it. */
  String repositoryUrl() {
    return "file://" + work.resolve("repo");
  }

  @AfterAll
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (!Boolean.getBoolean("pghs.it.keep")) {
      Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
    }
  }

  @Test
  void restoresExactlyToTheNamedPointTheLsnTheTimeAndTheLatest() {
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    Cli.Result backup =
        Cli.run("backup", "db1", "--pg-connection", conninfo(source), "--repo", repo);
    assertThat(backup.exitCode()).as(backup.toString()).isZero();

    String lsnTarget;
    String timeTarget;
    try (Cli.Background streamer = stream(work.resolve("stream.log"), source, repo);
        Pgbench load = Pgbench.start(source, "bench", 2, 100, Duration.ofMinutes(10))) {
      mark(source, 1, 5);
      source.execute("postgres", "SELECT pg_create_restore_point('before_the_delete')");
      mark(source, 6, 10);
      lsnTarget = insertLsn(source);
      mark(source, 11, 15);
      sleep(1000);
      timeTarget = now(source);
      sleep(1000);
      mark(source, 16, 20);
      assertRepositoryDirectory("before await");
      awaitDurable(streamer, insertLsn(source));

      assertThat(restoreAndRead("name", "--to-name", "before_the_delete")).isEqualTo(range(1, 5));
      assertThat(restoreAndRead("lsn", "--to-lsn", lsnTarget)).isEqualTo(range(1, 10));
      assertThat(restoreAndRead("time", "--to", timeTarget)).isEqualTo(range(1, 15));

      mark(source, 21, 21);
      sleep(2000);
      Path target = work.resolve("latest");
      Cli.Result r =
          Cli.run(
              "restore",
              "db1",
              "latest",
              "--repo",
              repo,
              "--target",
              target.toString(),
              "--to-latest");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(load.running()).as("pgbench ran throughout").isTrue();
      assertThat(streamer.process().isAlive()).as(streamer.output()).isTrue();
    }
    PgCluster latest =
        PgCluster.startExisting(major(), work.resolve("latest"), source.password(), Map.of());
    try {
      latest.awaitPromotion(Duration.ofMinutes(3));
      assertThat(markers(latest)).isEqualTo(range(1, 21));
    } finally {
      latest.close();
    }
  }

  /** A file repository's directory is still there (nothing in the test may remove it). */
  private void assertRepositoryDirectory(String when) {
    if (repo.startsWith("file://")) {
      assertThat(work.resolve("repo")).as("%s; work holds %s", when, list(work)).isDirectory();
    }
  }

  private static String list(Path p) {
    try (var s = java.nio.file.Files.list(p)) {
      return s.map(x -> x.getFileName().toString()).toList().toString();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private List<Integer> restoreAndRead(String name, String option, String value) {
    Path target = work.resolve("pitr-" + name);
    assertRepositoryDirectory("before restoring to " + name);
    Cli.Result preview =
        Cli.run(
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            target.toString(),
            option,
            value,
            "--preview");
    assertThat(preview.exitCode()).as(preview.toString()).isZero();
    assertThat(preview.result().path("recovery").path("recovery_target_action").asText())
        .isEqualTo("pause");
    Cli.Result r =
        Cli.run(
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            target.toString(),
            option,
            value);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.result().path("recovery")).isEqualTo(preview.result().path("recovery"));
    PgCluster restored = startPaused(major(), target, source.password());
    try {
      return markers(restored);
    } finally {
      restored.close();
    }
  }
}
