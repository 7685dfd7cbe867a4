package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;

/**
 * One flipped byte in any kind of stored object is caught by {@code verify}, which exits 9 and
 * names the object. Each case damages its own copy of a real repository.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifyCorruptionIT {
  Path work;
  Path pristine;

  @BeforeAll
  void backUpOnce() {
    work = Locations.newRunDir("pghs-it-corrupt-");
    pristine = work.resolve("repo");
    try (PgCluster pg = PgCluster.builder(18).in(work.resolve("pg")).start()) {
      pg.execute(
          "postgres", "CREATE TABLE t AS SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
      assertThat(Cli.run("repo", "init", "file://" + pristine).exitCode()).isZero();
      Cli.Result b =
          Cli.run(
              "backup",
              "db1",
              "--pg-connection",
              pg.connInfo("postgres"),
              "--repo",
              "file://" + pristine);
      assertThat(b.exitCode()).as(b.toString()).isZero();
    }
    Cli.Result ok = Cli.run("verify", "db1", "latest", "--repo", "file://" + pristine);
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
  }

  @AfterAll
  void tearDown() {
    Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(1));
  }

  @ParameterizedTest(name = "a flipped byte in {0}")
  @ValueSource(
      strings = {
        "data/",
        "index/",
        "backups/db1/*/manifest",
        "backups/db1/*/backup_manifest",
        "wal/db1/00000001/"
      })
  void isCaughtAndNamed(String kind) throws IOException {
    Path copy = work.resolve("case-" + Math.abs(kind.hashCode()));
    Cmd.check(List.of("cp", "-a", pristine.toString(), copy.toString()), Duration.ofMinutes(1));
    Path victim = pick(copy, kind);
    String key = copy.relativize(victim).toString();
    flip(victim);

    Cli.Result r = Cli.run("verify", "db1", "latest", "--repo", "file://" + copy);

    assertThat(r.stdout()).as("names the damaged object").contains(key);
    if (kind.equals("index/")) {
      // The backup still restores: chunks the damaged index file listed are found through the
      // packs' trailers. The damage is a warning naming the object and the rebuild that mends it.
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.result().path("problems").toString())
          .contains("INDEX_DAMAGED")
          .contains("repo index rebuild");
      Cli.Result rebuild = Cli.run("repo", "index", "rebuild", "--repo", "file://" + copy);
      assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();
      Cli.Result again = Cli.run("verify", "db1", "latest", "--repo", "file://" + copy);
      assertThat(again.result().path("problems")).as(again.toString()).isEmpty();
    } else {
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(9);
    }
  }

  private static Path pick(Path repo, String kind) throws IOException {
    String glob = kind.endsWith("/") ? kind + "**" : kind;
    var matcher = repo.getFileSystem().getPathMatcher("glob:" + glob);
    try (Stream<Path> all = Files.walk(repo)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(repo.relativize(p)))
          .filter(p -> !p.getFileName().toString().endsWith(".partial"))
          // the newest: for WAL, the segment holding the backup's end, which verify must read
          .max(java.util.Comparator.naturalOrder())
          .orElseThrow(() -> new AssertionError("no object matches " + kind + " in " + repo));
    }
  }

  private static void flip(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }
}
