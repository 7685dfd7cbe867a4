package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
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
 * The backup contract on a real server, through the command line as an operator runs it: under
 * concurrent pgbench writes, back up, verify, restore, start PostgreSQL on the restored directory,
 * and compare the data with the source.
 *
 * <p>What "equal at the backup's end point" means under load: static tables are identical
 * (checksums of every row), pgbench's row counts match, and pgbench's TPC-B invariant holds (every
 * transaction moves the same delta through accounts, tellers, branches and history), which only a
 * consistent snapshot satisfies, with no fewer history rows than before the backup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractBackupRestoreIT {
  static final String DB = "bench";
  static final int SCALE = 4;

  abstract int major();

  PgCluster source;
  Path work;
  String repo;
  String conninfo;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-br" + major() + "-");
    source = PgCluster.builder(major()).in(work.resolve("source")).start();
    source.createRole("backup", "backup-secret", true);
    source.execute("postgres", "CREATE DATABASE " + DB);
    Pgbench.init(source, DB, SCALE);
    source.execute(
        DB,
        "CREATE TABLE static_data AS SELECT g AS id, md5(g::text) AS payload,"
            + " repeat(chr(65 + g % 26), g % 300) AS filler FROM generate_series(1, 50000) g",
        "CREATE INDEX ON static_data (payload)");
    // a tablespace outside the data directory: its archive is backed up and restored elsewhere
    Path ts = Locations.ensurePublicDir(work.resolve("ts1"));
    source.owner().own(ts);
    source.execute(DB, "CREATE TABLESPACE ts1 LOCATION '" + ts + "'");
    source.execute(
        DB,
        "CREATE TABLE in_tablespace TABLESPACE ts1 AS SELECT g AS id, md5(g::text) AS v"
            + " FROM generate_series(1, 20000) g");
    conninfo =
        "host=127.0.0.1 port="
            + source.port()
            + " user=backup password=backup-secret dbname=postgres";
    repo = repositoryUrl();
  }

  /** Where the repository lives: a directory here; other backends override it. */
  String repositoryUrl() {
    return "file://" + work.resolve("repo");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (source != null) {
      source.close();
    }
    org.pghardstorage.devstack.Cmd.run(
        List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
  }

  @Test
  void backupUnderLoadVerifiesAndRestoresToAConsistentCopy() throws Exception {
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    long historyBefore = count(source, "pgbench_history");

    JsonNode first;
    try (Pgbench load = Pgbench.start(source, DB, 2, 150, Duration.ofMinutes(5))) {
      Thread.sleep(1500);
      Cli.Result b1 = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
      assertThat(b1.exitCode()).as(b1.toString()).isZero();
      first = b1.result();
      assertThat(load.running()).as("pgbench kept writing during the backup").isTrue();
    }
    assertThat(first.path("bytes_read").asLong()).isGreaterThan(50L << 20);

    // A database with few changes: the next backup stores little beyond the changed pages.
    source.execute(DB, "VACUUM (FREEZE, ANALYZE)", "CHECKPOINT");
    Cli.Result b2 = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
    assertThat(b2.exitCode()).as(b2.toString()).isZero();
    source.execute(DB, "UPDATE static_data SET payload = payload WHERE id % 5000 = 0");
    Cli.Result b3 = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
    assertThat(b3.exitCode()).as(b3.toString()).isZero();
    JsonNode third = b3.result();
    assertThat(third.path("bytes_new").asLong())
        .as("new bytes of a backup after 10 changed rows: %s", third)
        .isLessThan(third.path("bytes_read").asLong() / 10);
    assertThat(third.path("dedup_ratio").asDouble()).isGreaterThan(0.9);

    Cli.Result list = Cli.run("list", "db1", "--repo", repo);
    assertThat(list.exitCode()).isZero();
    assertThat(list.result().path("backups").findValuesAsText("backup_id"))
        .containsExactly(
            first.path("backup_id").asText(),
            b2.result().path("backup_id").asText(),
            third.path("backup_id").asText());

    Cli.Result verify = Cli.run("verify", "db1", first.path("backup_id").asText(), "--repo", repo);
    assertThat(verify.exitCode()).as(verify.toString()).isZero();

    Path target = work.resolve("restored");
    Path movedTablespace = work.resolve("ts1-restored");
    Cli.Result restore =
        Cli.run(
            "restore",
            "db1",
            first.path("backup_id").asText(),
            "--repo",
            repo,
            "--target",
            target.toString(),
            "--tablespace-map",
            work.resolve("ts1") + "=" + movedTablespace);
    assertThat(restore.exitCode()).as(restore.toString()).isZero();
    assertThat(Files.getPosixFilePermissions(target))
        .containsExactlyInAnyOrderElementsOf(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    checkWithPgVerifybackup(target);

    source.owner().own(movedTablespace); // as an operator would chown what root restored
    PgCluster restored = PgCluster.startExisting(major(), target, source.password(), Map.of());
    try {
      restored.awaitPromotion(Duration.ofMinutes(3));
      assertThat(checksum(restored, "static_data")).isEqualTo(checksum(source, "static_data"));
      assertThat(checksum(restored, "in_tablespace")).isEqualTo(checksum(source, "in_tablespace"));
      assertThat(
              restored.queryValue(
                  DB,
                  "SELECT pg_tablespace_location(oid) FROM pg_tablespace"
                      + " WHERE spcname = 'ts1'"))
          .isEqualTo(movedTablespace.toString());
      assertThat(count(restored, "pgbench_accounts")).isEqualTo(SCALE * 100_000L);
      assertThat(count(restored, "pgbench_branches")).isEqualTo(SCALE);
      assertTpcbInvariant(restored);
      long history = count(restored, "pgbench_history");
      assertThat(history).isGreaterThanOrEqualTo(historyBefore);
      assertThat(count(source, "pgbench_history")).isGreaterThanOrEqualTo(history);
    } finally {
      restored.close();
    }
  }

  /** PostgreSQL's own pg_verifybackup accepts the restored directory where it can read it. */
  void checkWithPgVerifybackup(Path target) {
    if (major() != 15) {
      return; // Debian's pg_verifybackup 15 cannot read the manifests of 16+ (FACTS.md)
    }
    Cmd.Result r =
        Cmd.run(
            List.of("/usr/lib/postgresql/15/bin/pg_verifybackup", "-n", target.toString()),
            null,
            Map.of(),
            Duration.ofMinutes(5));
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  static long count(PgCluster pg, String table) {
    return Long.parseLong(pg.queryValue(DB, "SELECT count(*) FROM " + table));
  }

  static String checksum(PgCluster pg, String table) {
    return pg.queryValue(
        DB, "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM " + table + " t");
  }

  static void assertTpcbInvariant(PgCluster pg) {
    List<List<String>> sums =
        pg.query(
            DB,
            "SELECT (SELECT coalesce(sum(abalance),0) FROM pgbench_accounts),"
                + " (SELECT coalesce(sum(tbalance),0) FROM pgbench_tellers),"
                + " (SELECT coalesce(sum(bbalance),0) FROM pgbench_branches),"
                + " (SELECT coalesce(sum(delta),0) FROM pgbench_history)");
    List<String> row = sums.get(0);
    assertThat(row)
        .as("sum of accounts, tellers, branches and history deltas")
        .containsOnly(row.get(3));
  }
}
