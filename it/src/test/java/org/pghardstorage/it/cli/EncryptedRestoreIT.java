package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.OsUser;
import org.pghardstorage.devstack.PgCluster;

/**
 * An encrypted repository restores as documented: the restore hands {@code restore_command} the
 * passphrase file, checks that PostgreSQL's OS user can read it, and refuses (exit 4, nothing
 * written) when the key came from the environment or the file is unreadable for that user; then a
 * plain {@code pg_ctl start} as that user recovers with WAL fetched and decrypted by {@code
 * restore_command}, and the data is the source's. PostgreSQL 15.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncryptedRestoreIT {
  private static final int MAJOR = 15;
  private static final String PASSPHRASE = "an encrypted first hour";

  private PgCluster source;
  private Path work;
  private Path keyFile;
  private String repo;
  private String pgUser;

  @BeforeAll
  void setUp() throws IOException {
    work = Locations.newRunDir("pghs-it-encrypted-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    prepare(source);
    mark(source, 1, 10);
    pgUser = source.owner().name();
    // the key where an operator keeps it: readable by PostgreSQL's group, nobody else
    Path keys = Files.createDirectories(work.resolve("keys"));
    keyFile = Files.writeString(keys.resolve("repo.passphrase"), PASSPHRASE + "\n");
    OsUser.service().shareGroup(keys);
    OsUser.service().shareGroup(keyFile);
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));
    repo = "file://" + work.resolve("repo");
    Cli.Result init =
        Cli.initRepository(
            repo, "--encryption", "aes-256-gcm", "--passphrase-file", keyFile.toString());
    assertThat(init.exitCode()).as(init.toString()).isZero();
    Cli.Result b =
        Cli.run(
            "backup",
            "db1",
            "--pg-connection",
            conninfo(source),
            "--repo",
            repo,
            "--passphrase-file",
            keyFile.toString());
    assertThat(b.exitCode()).as(b.toString()).isZero();
  }

  @AfterAll
  void tearDown() {
    closeAndDelete(source, work);
  }

  @Test
  void aKeyOnlyInTheEnvironmentIsRefusedBeforeAnythingIsWritten() {
    Path target = work.resolve("from-env");
    Cli.Result r =
        Cli.run(
            Map.of("PGHS_PASSPHRASE", PASSPHRASE),
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            target.toString(),
            "--postgres-user",
            pgUser);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.error().path("code").asText()).isEqualTo("restore.recovery_would_fail");
    assertThat(r.error().path("message").asText())
        .contains("PGHS_PASSPHRASE")
        .contains("--passphrase-file");
    assertThat(target).doesNotExist();

    Cli.Result preview =
        Cli.run(
            Map.of("PGHS_PASSPHRASE", PASSPHRASE),
            "restore",
            "db1",
            "latest",
            "--repo",
            repo,
            "--target",
            target.toString(),
            "--postgres-user",
            pgUser,
            "--preview");
    assertThat(preview.exitCode()).as(preview.toString()).isNotZero();
    assertThat(preview.result().path("problems").toString()).contains("PGHS_PASSPHRASE");
  }

  @Test
  void aKeyFilePostgresqlCannotReadIsRefused() throws IOException {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    try {
      Path target = work.resolve("unreadable-key");
      Cli.Result r = restore(target);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
      assertThat(r.error().path("message").asText()).contains(pgUser + " may not read");
      assertThat(target).doesNotExist();
    } finally {
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r-----"));
    }
  }

  @Test
  void theBackupRestoresAndStartsWithAPlainPgCtlStartAsPostgresqlsUser() {
    Path target = work.resolve("restored");
    Cli.Result r = restore(target);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.result().path("recovery").path("restore_command").asText())
        .contains("--passphrase-file " + keyFile);
    PgCluster restored = PgCluster.startExisting(MAJOR, target, source.password(), Map.of());
    try {
      restored.awaitPromotion(Duration.ofMinutes(3));
      assertThat(markers(restored)).isEqualTo(range(1, 10));
      assertThat(restored.logTail()).contains("restored log file");
    } finally {
      restored.close();
    }
  }

  private Cli.Result restore(Path target) {
    return Cli.run(
        "restore",
        "db1",
        "latest",
        "--repo",
        repo,
        "--target",
        target.toString(),
        "--passphrase-file",
        keyFile.toString(),
        "--postgres-user",
        pgUser);
  }
}
