package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Dedup at page granularity on a real PostgreSQL 18 (format spec §5.1), through the command line:
 * after every row of every 100th heap page changes, spread evenly as OLTP updates spread them, the
 * second backup stores at most 3 % of the database, and it restores, starts and holds the same
 * data. The table is {@link PageChangeTable}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Pg18PageDedupIT {
  private static final String DB = "dedup";

  private PgCluster source;
  private Path work;
  private String repo;
  private String conninfo;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-dedup-");
    source = PgCluster.builder(18).in(work.resolve("source")).start();
    source.createRole("backup", "backup-secret", true);
    source.execute("postgres", "CREATE DATABASE " + DB);
    PageChangeTable.create(source, DB);
    conninfo =
        "host=127.0.0.1 port="
            + source.port()
            + " user=backup password=backup-secret dbname=postgres";
    repo = "file://" + work.resolve("repo");
  }

  @AfterAll
  void tearDown() {
    if (source != null) {
      source.close();
    }
    Cmd.run(List.of("rm", "-rf", work.toString()), null, Map.of(), Duration.ofMinutes(2));
  }

  @Test
  void theSecondBackupStoresOnlyTheChangedPagesAndRestoresTheSameData() {
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    Cli.Result b1 = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
    assertThat(b1.exitCode()).as(b1.toString()).isZero();

    long pages =
        Long.parseLong(source.queryValue(DB, "SELECT relpages FROM pg_class WHERE relname = 't'"));
    PageChangeTable.changeOnePercentOfPages(source, DB);
    long databaseBytes =
        Long.parseLong(source.queryValue(DB, "SELECT pg_database_size('" + DB + "')"));

    Cli.Result b2 = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
    assertThat(b2.exitCode()).as(b2.toString()).isZero();
    JsonNode second = b2.result();
    long bytesNew = second.path("bytes_new").asLong();
    System.out.printf(
        "page dedup on PostgreSQL 18: table %d pages, database %d bytes, cluster read %d bytes;"
            + " first backup stored %d new bytes, second %d (%.2f %% of the database), %d sealed%n",
        pages,
        databaseBytes,
        second.path("bytes_read").asLong(),
        b1.result().path("bytes_new").asLong(),
        bytesNew,
        100.0 * bytesNew / databaseBytes,
        second.path("bytes_stored").asLong());
    assertThat(bytesNew)
        .as("new bytes of the second backup against a %d-byte database: %s", databaseBytes, second)
        .isLessThanOrEqualTo(databaseBytes * 3 / 100);

    String backupId = second.path("backup_id").asText();
    Cli.Result verify = Cli.run("verify", "db1", backupId, "--repo", repo);
    assertThat(verify.exitCode()).as(verify.toString()).isZero();

    Path target = work.resolve("restored");
    Cli.Result restore =
        Cli.run("restore", "db1", backupId, "--repo", repo, "--target", target.toString());
    assertThat(restore.exitCode()).as(restore.toString()).isZero();
    PgCluster restored = PgCluster.startExisting(18, target, source.password(), Map.of());
    try {
      restored.awaitPromotion(Duration.ofMinutes(3));
      assertThat(PageChangeTable.checksum(restored, DB))
          .isEqualTo(PageChangeTable.checksum(source, DB));
      assertThat(restored.queryValue(DB, "SELECT count(*) FROM t")).isEqualTo("1200000");
    } finally {
      restored.close();
    }
  }
}
