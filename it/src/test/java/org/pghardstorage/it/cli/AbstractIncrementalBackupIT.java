package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
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
 * {@code INCREMENTAL} {@code BASE_BACKUP} on a real PostgreSQL 17+ with {@code summarize_wal = on}
 * (format spec §5.2), through the command line: after 1 % of the heap pages change, the second
 * backup is incremental against the first and reads far fewer bytes from the server; a third one is
 * incremental against the second (the server accepts the rewritten backup_manifest as a base); each
 * verifies as a full backup, and the third restores, passes the checks of {@code pg_verifybackup
 * --no-parse-wal} on the restored directory, starts, and holds the same data as the source. With
 * {@code summarize_wal} off, the backup is a full one with a warning saying why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractIncrementalBackupIT {
  private static final String DB = "incr";

  /** What pg_verifybackup skips by default (pg_verifybackup.c's ignore list). */
  private static final Set<String> IGNORED_BY_PG_VERIFYBACKUP =
      Set.of("backup_manifest", "postgresql.auto.conf", "recovery.signal", "standby.signal");

  private PgCluster source;
  private Path work;
  private String repo;
  private String conninfo;

  abstract int major();

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-incr" + major() + "-");
    source =
        PgCluster.builder(major())
            .in(work.resolve("source"))
            .setting("summarize_wal", "on")
            .start();
    source.createRole("backup", "backup-secret", true);
    source.execute("postgres", "CREATE DATABASE " + DB);
    PageChangeTable.create(source, DB);
    conninfo =
        "host=127.0.0.1 port="
            + source.port()
            + " user=backup password=backup-secret dbname=postgres";
    repo = "file://" + work.resolve("repo");
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
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
  void incrementalBackupsReadOnlyChangedBlocksAndRestoreTheSameData() throws Exception {
    JsonNode full = backup();
    assertThat(full.path("incremental_from").isNull()).as("the first backup: %s", full).isTrue();
    long fullRead = full.path("bytes_read_from_server").asLong();
    assertThat(fullRead).isGreaterThan(full.path("bytes_read").asLong() / 2);

    PageChangeTable.changeOnePercentOfPages(source, DB);
    JsonNode second = backup();
    long secondRead = second.path("bytes_read_from_server").asLong();
    System.out.printf(
        "INCREMENTAL on PostgreSQL %d: cluster %d bytes; read from the server: full backup %d"
            + " (%.1f s), incremental after 1 %% of pages changed %d (%.1f %%, %.1f s);"
            + " new bytes stored %d%n",
        major(),
        second.path("bytes_read").asLong(),
        fullRead,
        full.path("duration_seconds").asDouble(),
        secondRead,
        100.0 * secondRead / fullRead,
        second.path("duration_seconds").asDouble(),
        second.path("bytes_new").asLong());
    assertThat(second.path("incremental_from").asText())
        .as("%s", second)
        .isEqualTo(full.path("backup_id").asText());
    assertThat(secondRead).as("bytes read from the server: %s", second).isLessThan(fullRead / 5);
    assertThat(second.path("bytes_read").asLong())
        .as("the stored backup is a full one: every file whole")
        .isGreaterThan(full.path("bytes_read").asLong() * 9 / 10);

    // Rows in new pages too (the relation grows), then a backup against the rebuilt one.
    source.execute(
        DB,
        "INSERT INTO t SELECT g, md5(g::text), g, md5(g::text) FROM generate_series(1200001,"
            + " 1210000) g",
        "DELETE FROM t WHERE id % 1000 = 7",
        "CHECKPOINT");
    JsonNode third = backup();
    assertThat(third.path("incremental_from").asText())
        .as("the server takes the rewritten backup_manifest as a base: %s", third)
        .isEqualTo(second.path("backup_id").asText());
    String expected = PageChangeTable.checksum(source, DB);
    String count = source.queryValue(DB, "SELECT count(*) FROM t");

    for (JsonNode b : List.of(second, third)) {
      Cli.Result verify = Cli.run("verify", "db1", b.path("backup_id").asText(), "--repo", repo);
      assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }

    Path target = work.resolve("restored");
    Cli.Result restore =
        Cli.run(
            "restore",
            "db1",
            third.path("backup_id").asText(),
            "--repo",
            repo,
            "--target",
            target.toString());
    assertThat(restore.exitCode()).as(restore.toString()).isZero();
    assertThat(Files.readString(target.resolve("backup_label"))).doesNotContain("INCREMENTAL");
    assertThat(manifestProblems(target)).isEmpty();
    PgCluster restored = PgCluster.startExisting(major(), target, source.password(), Map.of());
    try {
      restored.awaitPromotion(Duration.ofMinutes(3));
      assertThat(PageChangeTable.checksum(restored, DB)).isEqualTo(expected);
      assertThat(restored.queryValue(DB, "SELECT count(*) FROM t")).isEqualTo(count);
    } finally {
      restored.close();
    }
  }

  @Test
  @Order(2)
  void withoutWalSummariesTheBackupIsFullAndSaysWhy() {
    backup(); // a base, whatever ran before

    source.execute("postgres", "ALTER SYSTEM SET summarize_wal = off", "SELECT pg_reload_conf()");
    try {
      awaitSetting("summarize_wal", "off");
      Cli.Result r = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.result().path("incremental_from").isNull()).as(r.toString()).isTrue();
      assertThat(r.stderr())
          .contains("taking a full backup, not an incremental one: summarize_wal is off");
      assertThat(r.result().path("bytes_read_from_server").asLong())
          .isGreaterThan(r.result().path("bytes_read").asLong() / 2);
    } finally {
      source.execute("postgres", "ALTER SYSTEM RESET summarize_wal", "SELECT pg_reload_conf()");
    }
  }

  private JsonNode backup() {
    Cli.Result r = Cli.run("backup", "db1", "--pg-connection", conninfo, "--repo", repo);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.result();
  }

  private void awaitSetting(String name, String value) {
    for (int i = 0; i < 100; i++) {
      if (source.queryValue("postgres", "SHOW " + name).equals(value)) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(name + " did not become " + value);
  }

  /**
   * What {@code pg_verifybackup --no-parse-wal} checks of a restored directory, before PostgreSQL
   * starts and changes it: the backup_manifest's own checksum, and every file it lists present with
   * its size and CRC32C, but for those it ignores by default. The PostgreSQL binaries these tests
   * run ship no pg_verifybackup, and Debian's (15) cannot read version 2 manifests (FACTS.md), so
   * the check is done here.
   */
  private static List<String> manifestProblems(Path dataDir) throws IOException {
    byte[] manifest = Files.readAllBytes(dataDir.resolve("backup_manifest"));
    List<String> problems = new ArrayList<>();
    int last = manifest.length - 2;
    while (manifest[last] != '\n') {
      last--;
    }
    String lastLine =
        new String(manifest, last + 1, manifest.length - last - 1, StandardCharsets.UTF_8);
    String digest;
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(manifest, 0, last + 1);
      digest = HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    if (!lastLine.equals("\"Manifest-Checksum\": \"" + digest + "\"}\n")) {
      problems.add("manifest checksum: " + lastLine + " but the content hashes to " + digest);
    }
    JsonNode root = new ObjectMapper().readTree(manifest);
    int files = 0;
    for (JsonNode f : root.path("Files")) {
      String path = f.path("Path").asText();
      if (IGNORED_BY_PG_VERIFYBACKUP.contains(path)) {
        continue; // restore writes its recovery settings there, as pg_basebackup -R would
      }
      Path file = dataDir.resolve(path);
      if (!Files.isRegularFile(file)) {
        problems.add(path + " is missing");
        continue;
      }
      CRC32C crc = new CRC32C();
      long size = 0;
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          crc.update(buf, 0, n);
          size += n;
        }
      }
      String actual =
          HexFormat.of()
              .formatHex(
                  ByteBuffer.allocate(4)
                      .order(ByteOrder.LITTLE_ENDIAN)
                      .putInt((int) crc.getValue())
                      .array());
      if (size != f.path("Size").asLong() || !actual.equals(f.path("Checksum").asText())) {
        problems.add(
            path
                + ": manifest "
                + f.path("Size")
                + " bytes, CRC32C "
                + f.path("Checksum")
                + "; restored "
                + size
                + " bytes, "
                + actual);
      }
      if (path.contains("INCREMENTAL.")) {
        problems.add(path + " is an incremental file");
      }
      files++;
    }
    if (files < 100) {
      problems.add("the manifest lists only " + files + " files");
    }
    return problems;
  }
}
