package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.awaitDurable;
import static org.pghardstorage.it.cli.StreamedCluster.conninfo;
import static org.pghardstorage.it.cli.StreamedCluster.insertLsn;
import static org.pghardstorage.it.cli.StreamedCluster.mark;
import static org.pghardstorage.it.cli.StreamedCluster.markers;
import static org.pghardstorage.it.cli.StreamedCluster.range;
import static org.pghardstorage.it.cli.StreamedCluster.sleep;
import static org.pghardstorage.it.cli.StreamedCluster.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
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
 * {@code rotate} as an operator runs it, against PostgreSQL 17 with the WAL streamer running: three
 * backups of different data; the dry run names what would go and deletes nothing; {@code --apply}
 * deletes exactly that while the streamer keeps streaming; the kept backup still restores to the
 * latest WAL and PostgreSQL starts with the same data; a rotation while a backup holds its lock
 * refuses with exit 7 and deletes nothing; a rotation without a policy is a usage error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RotateIT {
  static final int MAJOR = 17;

  PgCluster source;
  Path work;
  Path repoDir;
  String repo;
  Path config;
  Cli.Background streamer;
  final List<String> backups = new ArrayList<>();
  JsonNode dryRun;

  @BeforeAll
  void setUp() throws IOException {
    work = Locations.newRunDir("pghs-it-rotate-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    StreamedCluster.prepare(source);
    repoDir = work.resolve("repo");
    repo = "file://" + repoDir;
    config = work.resolve("pg_hardstorage.yml");
    // no retention section: the policy must come from the command line
    Files.writeString(config, "repository: " + repo + "\ndeployments:\n  db1:\n    slot: rot\n");
  }

  @AfterAll
  void tearDown() {
    if (streamer != null) {
      streamer.close();
    }
    if (source != null) {
      source.close();
    }
    if (!Boolean.getBoolean("pghs.it.keep")) {
      Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
    }
  }

  Cli.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void threeBackupsOfDifferentDataWithTheStreamerRunning() {
    assertThat(Cli.initRepository(repo, "--config", config.toString()).exitCode()).isZero();
    streamer = stream(work.resolve("stream.log"), source, repo);
    for (int n = 1; n <= 3; n++) {
      // each backup has a table of its own (random, so it neither compresses nor deduplicates):
      // the packs only a deleted backup used are what rotation frees. GC frees whole packs, and the
      // first and last packs of a backup also hold catalog pages the newest backup still uses, so
      // a table must fill more than two 16 MiB packs (~50 MiB after zstd) for one to hold it alone
      if (n > 1) {
        source.execute("postgres", "DROP TABLE gen_" + (n - 1));
      }
      source.execute(
          "postgres",
          "CREATE TABLE gen_"
              + n
              + " AS SELECT g AS id, md5(random()::text) || md5(random()::text) AS v"
              + " FROM generate_series(1, 1200000) g");
      mark(source, 10 * n, 10 * n + 4);
      Cli.Result b = run("backup", "db1", "--pg-connection", conninfo(source));
      assertThat(b.exitCode()).as(b.toString()).isZero();
      backups.add(b.result().path("backup_id").asText());
    }
    awaitDurable(streamer, insertLsn(source));
    assertThat(run("list", "db1").result().path("backups").findValuesAsText("backup_id"))
        .containsExactlyElementsOf(backups);
  }

  @Test
  @Order(2)
  void withoutAPolicyRotationIsAUsageErrorAndDeletesNothing() {
    Map<String, Long> before = objects();

    Cli.Result none = run("rotate", "db1", "--apply");
    assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
    assertThat(none.error().path("code").asText()).isEqualTo("usage.no_policy");
    assertThat(none.error().path("suggestion").asText()).contains("--keep-daily");

    Cli.Result zeros = run("rotate", "db1", "--keep-daily", "0", "--apply");
    assertThat(zeros.exitCode()).as(zeros.toString()).isEqualTo(2);
    assertThat(zeros.error().path("code").asText()).isEqualTo("retention.invalid_policy");

    Cli.Result other = run("rotate", "db1", "--policy", "fifo", "--keep-daily", "1", "--apply");
    assertThat(other.exitCode()).isEqualTo(2);
    assertNothingDeletedSince(before);
  }

  @Test
  @Order(3)
  void theDryRunNamesWhatWouldGoAndDeletesNothing() {
    Map<String, Long> before = objects();

    Cli.Result dry = run("rotate", "db1", "--keep-daily", "1");

    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    dryRun = dry.result();
    assertThat(dryRun.path("applied").asBoolean()).isFalse();
    assertThat(dryRun.path("policy").path("daily").asInt()).isEqualTo(1);
    // all three were taken today: the newest is kept (by two rules), the others go
    JsonNode rows = dryRun.path("backups");
    assertThat(rows.findValuesAsText("backup_id")).containsExactlyElementsOf(backups);
    assertThat(rows.findValuesAsText("action")).containsExactly("delete", "delete", "keep");
    assertThat(rows.get(2).path("kept_by").asText()).startsWith("newest, daily ");
    JsonNode wal = dryRun.path("wal");
    assertThat(wal.path("segments_deleted").asLong()).isPositive();
    assertThat(wal.path("bytes_deleted").asLong()).isPositive();
    assertThat(dryRun.path("packs").path("packs_deleted").asLong()).isPositive();
    assertThat(dryRun.path("packs").path("safe_to_collect").asBoolean()).isTrue();
    JsonNode window = dryRun.path("pitr_window");
    assertThat(window.path("from_backup").asText()).isEqualTo(backups.get(2));
    assertThat(window.path("gaps")).isEmpty();

    assertNothingDeletedSince(before);

    Cli.Result text = run("rotate", "db1", "--keep-daily", "1", "-o", "text");
    assertThat(text.stdout())
        .contains("Dry run")
        .contains("delete  " + backups.get(0))
        .contains("keep    " + backups.get(2))
        .contains("Run again with --apply");
    Cli.Result csv = run("rotate", "db1", "--keep-daily", "1", "-o", "csv");
    assertThat(csv.stdout().lines().toList())
        .hasSize(4)
        .first()
        .asString()
        .startsWith("backup_id,started_at,action,kept_by");
  }

  @Test
  @Order(4)
  void applyDeletesExactlyThatWhileTheStreamerRuns() {
    Map<String, Long> before = objects();
    String cut = dryRun.path("wal").path("keep_from_segment").asText();

    Cli.Result applied = run("rotate", "db1", "--keep-daily", "1", "--apply");

    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    JsonNode r = applied.result();
    assertThat(r.path("applied").asBoolean()).isTrue();
    assertThat(r.path("backups")).isEqualTo(dryRun.path("backups"));
    assertThat(r.path("wal")).isEqualTo(dryRun.path("wal"));
    assertThat(r.path("packs").path("packs_deleted"))
        .isEqualTo(dryRun.path("packs").path("packs_deleted"));
    assertThat(r.path("packs").path("bytes_deleted"))
        .isEqualTo(dryRun.path("packs").path("bytes_deleted"));
    assertThat(streamer.process().isAlive()).as("the streamer kept running").isTrue();

    Map<String, Long> after = objects();
    List<String> gone = new ArrayList<>(before.keySet());
    gone.removeAll(after.keySet());
    Set<String> walGone = new TreeSet<>();
    long packsGone = 0;
    for (String key : gone) {
      if (key.startsWith("wal/db1/")) {
        String segment = key.substring(key.lastIndexOf('/') + 1).replace(".partial", "");
        if (key.endsWith(".partial") && segment.substring(8).compareTo(cut.substring(8)) >= 0) {
          continue; // the streamer completed the segment it was writing
        }
        assertThat(segment.substring(8))
            .as("deleted %s is before %s", key, cut)
            .isLessThan(cut.substring(8));
        walGone.add(segment);
      } else if (key.startsWith("data/")) {
        packsGone++;
      } else if (key.startsWith("backups/")) {
        assertThat(key).matches("backups/db1/(" + backups.get(0) + "|" + backups.get(1) + ")/.*");
      } else {
        assertThat(key).as("only packs, index files, WAL and manifests go").startsWith("index/");
      }
    }
    assertThat((long) walGone.size())
        .isEqualTo(dryRun.path("wal").path("segments_deleted").asLong());
    assertThat(packsGone).isEqualTo(dryRun.path("packs").path("packs_deleted").asLong());
    assertThat(gone).contains("backups/db1/" + backups.get(0) + "/manifest");
    long bytesBefore = before.values().stream().mapToLong(Long::longValue).sum();
    long bytesAfter = after.values().stream().mapToLong(Long::longValue).sum();
    assertThat(bytesAfter).as("the repository shrinks").isLessThan(bytesBefore);

    assertThat(run("list", "db1").result().path("backups").findValuesAsText("backup_id"))
        .containsExactly(backups.get(2));
    Cli.Result audit = run("wal", "audit", "db1");
    assertThat(audit.exitCode()).as(audit.toString()).isZero();
    assertThat(audit.result().path("gaps")).isEmpty();

    Cli.Result again = run("rotate", "db1", "--keep-daily", "1", "--apply");
    assertThat(again.result().path("backups_deleted").asInt()).isZero();
    assertThat(again.result().path("wal").path("segments_deleted").asLong()).isZero();
  }

  @Test
  @Order(5)
  void theKeptBackupRestoresToTheLatestWal() {
    mark(source, 100, 104);
    awaitDurable(streamer, insertLsn(source));
    Path target = work.resolve("restored");

    Cli.Result r = run("restore", "db1", "latest", "--target", target.toString(), "--to-latest");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.result().path("backup_id").asText()).isEqualTo(backups.get(2));
    PgCluster restored = PgCluster.startExisting(MAJOR, target, source.password(), Map.of());
    try {
      restored.awaitPromotion(Duration.ofMinutes(3));
      assertThat(checksum(restored, "gen_3")).isEqualTo(checksum(source, "gen_3"));
      List<Integer> expected = new ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        expected.addAll(range(10 * n, 10 * n + 4));
      }
      expected.addAll(range(100, 104));
      assertThat(markers(restored)).isEqualTo(expected);
    } finally {
      restored.close();
    }
  }

  @Test
  @Order(6)
  void aRotationWhileABackupRunsRefusesAndDeletesNothing() {
    // another backup, so that the rotation would have something to delete
    Cli.Result b = run("backup", "db1", "--pg-connection", conninfo(source));
    assertThat(b.exitCode()).as(b.toString()).isZero();
    try (Cli.Background slow =
        Cli.start(
            work.resolve("slow-backup.log"),
            "backup",
            "db1",
            "--config",
            config.toString(),
            "--pg-connection",
            conninfo(source),
            "--max-rate",
            "32")) {
      awaitBackupLock(slow);
      Map<String, Long> before = objects();

      Cli.Result refused = run("rotate", "db1", "--keep-daily", "1", "--apply");

      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(7);
      assertThat(refused.error().path("code").asText()).isEqualTo("repo.locked");
      assertThat(refused.error().path("message").asText()).contains("backup db1");
      assertNothingDeletedSince(before);
      // the dry run still answers, and says what --apply would delete once the backup is done
      Cli.Result dry = run("rotate", "db1", "--keep-daily", "1");
      assertThat(dry.exitCode()).as(dry.toString()).isZero();
      assertThat(dry.result().path("backups_deleted").asInt()).isEqualTo(1);
      assertThat(slow.process().isAlive()).as(slow.output()).isTrue();
    }
  }

  private void awaitBackupLock(Cli.Background backup) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (objects().keySet().stream()
        .filter(k -> k.startsWith("locks/"))
        .noneMatch(k -> read(repoDir.resolve(k)).contains("\"backup db1"))) {
      assertThat(backup.process().isAlive()).as(backup.output()).isTrue();
      assertThat(Instant.now()).as("backup took its lock").isBefore(deadline);
      sleep(200);
    }
  }

  /** Every object in the repository with its size. */
  private Map<String, Long> objects() {
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> s = Files.walk(repoDir)) {
        Map<String, Long> out = new TreeMap<>();
        s.filter(Files::isRegularFile)
            .forEach(p -> out.put(repoDir.relativize(p).toString(), size(p)));
        return out;
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 5) {
          throw new AssertionError("cannot list " + repoDir, e);
        }
        sleep(50); // a partial segment or lock vanished while walking: the streamer's doing
      }
    }
  }

  /** No object that existed at {@code before} is gone, apart from locks and partial segments. */
  private void assertNothingDeletedSince(Map<String, Long> before) {
    assertThat(withoutHead(objects()).keySet())
        .as("nothing deleted")
        .containsAll(withoutHead(before).keySet());
  }

  /** Without locks and partial segments, which the streamer and lock holders replace meanwhile. */
  private static Map<String, Long> withoutHead(Map<String, Long> objects) {
    Map<String, Long> out = new TreeMap<>(objects);
    out.keySet().removeIf(k -> k.startsWith("locks/") || k.endsWith(".partial"));
    return out;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0; // vanished between walk and stat: a partial segment replaced by the streamer
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  static String checksum(PgCluster pg, String table) {
    return pg.queryValue(
        "postgres", "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM " + table + " t");
  }
}
