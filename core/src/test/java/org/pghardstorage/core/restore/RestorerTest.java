package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.FileType;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.task.Progress;

/** Restores of a fake cluster: byte-for-byte round trips, layout, recovery settings. */
class RestorerTest {
  @TempDir Path tmp;
  private Repository repo;

  @AfterEach
  void close() {
    if (repo != null) {
      repo.close();
    }
  }

  private FakeCluster.Committed backup(ObjectStore store, FakeCluster cluster) {
    repo = RestoreFixture.init(store);
    FakeCluster.Committed c = cluster.commit(repo, id(1));
    FakeCluster.archiveWal(repo);
    return c;
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "filesystem"})
  void restoresEveryFileByteForByteWithModesTimesLinksAndEmptyDirectories(String kind)
      throws IOException {
    ObjectStore store =
        kind.equals("memory")
            ? new MemoryObjectStore("restore")
            : new FileSystemObjectStore(Files.createDirectories(tmp.resolve("repo")));
    FakeCluster cluster = FakeCluster.typical();
    FakeCluster.Committed committed = backup(store, cluster);
    Path data = tmp.resolve("restored/data");
    Path ts = tmp.resolve("restored/ts1");
    List<Progress> progress = new ArrayList<>();

    RestoreResult result =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .restore(RestoreFixture.request(data, ts).build(), progress::add);

    Map<String, FakeCluster.Node> restored = TreeSnapshot.read(data);
    Map<String, FakeCluster.Node> expected = new TreeMap<>(cluster.base());
    expected.remove("postgresql.auto.conf"); // rewritten, checked below
    expected.put("pg_tblspc/" + FakeCluster.TS_OID, FakeCluster.Node.link(ts.toString()));
    TreeSnapshot.assertContains(restored, expected);
    assertThat(restored.keySet())
        .containsExactlyInAnyOrderElementsOf(
            union(cluster.base().keySet(), "backup_manifest", "recovery.signal"));
    TreeSnapshot.assertContains(TreeSnapshot.read(ts), cluster.tablespace());
    assertThat(TreeSnapshot.read(ts).keySet())
        .containsExactlyInAnyOrderElementsOf(cluster.tablespace().keySet());
    assertThat(Files.readAllBytes(data.resolve("backup_manifest")))
        .isEqualTo(committed.postgresManifest());
    assertThat(TreeSnapshot.mode(data)).isEqualTo(0700);
    assertThat(TreeSnapshot.mode(ts)).isEqualTo(0700);
    assertThat(TreeSnapshot.mode(data.getParent())).isEqualTo(0700);

    long files = countFiles(cluster.base()) + countFiles(cluster.tablespace());
    long bytes = committed.manifest().stats().bytesRead();
    assertThat(result.backupId()).isEqualTo(id(1).value());
    assertThat(result.files()).isEqualTo(files);
    assertThat(result.bytesWritten()).isEqualTo(bytes);
    assertThat(result.target()).isEqualTo(data.toString());
    assertThat(result.tablespaces())
        .containsExactly(
            new TablespaceTarget(FakeCluster.TS_OID, FakeCluster.TS_LOCATION, ts.toString(), true));
    Progress last = progress.get(progress.size() - 1);
    assertThat(last.phase()).isEqualTo("files");
    assertThat(last.itemsDone()).isEqualTo(last.itemsTotal()).isEqualTo(files);
    assertThat(last.bytesDone()).isEqualTo(last.bytesTotal()).isEqualTo(bytes);
  }

  @Test
  void restoresFromAnEncryptedRepositoryAndTheResultSerialises() throws Exception {
    char[] passphrase = "correct horse battery staple".toCharArray();
    MemoryObjectStore store = new MemoryObjectStore("encrypted");
    repo =
        Repository.init(
            store,
            FakeCluster.smallRepository()
                .withPassphrase(
                    passphrase,
                    Argon2idParams.withCost(64, 1, 1, new java.security.SecureRandom())),
            RestoreFixture.open().withPassphrase(passphrase));
    FakeCluster cluster = FakeCluster.typical();
    cluster.commit(repo, id(1));
    Path data = tmp.resolve("data");

    RestoreResult result =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .restore(RestoreFixture.request(data, tmp.resolve("ts")).build(), p -> {});

    assertThat(data.resolve("base/5/16384"))
        .hasBinaryContent(cluster.base().get("base/5/16384").content());
    JsonNode json = ResultJson.tree(result);
    assertThat(json.path("backup_id").asText()).isEqualTo(id(1).value());
    assertThat(json.path("recovery").path("restore_command").asText())
        .isEqualTo(RestoreFixture.RESTORE_COMMAND);
    assertThat(json.path("bytes_written").asLong()).isEqualTo(result.bytesWritten());
  }

  @Test
  void writesRecoverySettingsLastAndDisablesConflictingOnes() throws IOException {
    backup(new MemoryObjectStore("restore"), FakeCluster.typical());
    Path data = tmp.resolve("data");
    RestoreResult result =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .restore(RestoreFixture.request(data, tmp.resolve("ts")).build(), p -> {});

    String conf = Files.readString(data.resolve("postgresql.auto.conf"), StandardCharsets.UTF_8);
    assertThat(conf)
        .isEqualTo(
            "# Do not edit this file manually!\n"
                + "# It will be overwritten by the ALTER SYSTEM command.\n"
                + "work_mem = '64MB'\n"
                + "# disabled by pg_hardstorage restore "
                + id(1)
                + ": recovery_target_time = '2026-01-01 00:00:00+00'\n"
                + "# added by pg_hardstorage restore "
                + id(1)
                + "\n"
                + "restore_command = '"
                + RestoreFixture.RESTORE_COMMAND
                + "'\n"
                + "recovery_end_command = 'mv -f pg_wal/pg_hardstorage_prefetch"
                + " pg_wal/pg_hardstorage_prefetch.ended 2>/dev/null;"
                + " rm -rf pg_wal/pg_hardstorage_prefetch.ended pg_wal/pg_hardstorage_prefetch'\n"
                + "recovery_target = 'immediate'\n"
                + "recovery_target_action = 'promote'\n"
                + "# end of pg_hardstorage restore "
                + id(1)
                + "\n");
    assertThat(data.resolve("recovery.signal")).isEmptyFile();
    assertThat(data.resolve("standby.signal")).doesNotExist();
    assertThat(data.resolve(IncompleteMarker.NAME)).doesNotExist();
    assertThat(tmp.resolve("ts").resolve(IncompleteMarker.NAME)).doesNotExist();
    assertThat(data.resolve("pg_wal/archive_status")).isDirectory().isEmptyDirectory();
    assertThat(result.recovery().asMap())
        .containsExactly(
            Map.entry("restore_command", RestoreFixture.RESTORE_COMMAND),
            Map.entry("recovery_end_command", RestoreCommands.SPOOL_CLEANUP),
            Map.entry("recovery_target", "immediate"),
            Map.entry("recovery_target_action", "promote"));
  }

  @Test
  void removesAStaleStandbySignalAndCreatesMissingWalDirectories() {
    FakeCluster cluster = FakeCluster.typical().put("standby.signal", new byte[0]);
    cluster.base().remove("pg_wal/archive_status");
    cluster.base().remove("pg_wal");
    backup(new MemoryObjectStore("restore"), cluster);
    Path data = tmp.resolve("data");
    RestoreFixture.restorer(repo, tmp.resolve("home"))
        .restore(RestoreFixture.request(data, tmp.resolve("ts")).build(), p -> {});
    assertThat(data.resolve("standby.signal")).doesNotExist();
    assertThat(data.resolve("recovery.signal")).exists();
    assertThat(data.resolve("pg_wal/archive_status")).isEmptyDirectory();
    assertThat(TreeSnapshot.mode(data.resolve("pg_wal"))).isEqualTo(0700);
  }

  @Test
  void quotesTheRestoreCommandForPostgresqlConf() throws IOException {
    backup(new MemoryObjectStore("restore"), FakeCluster.typical());
    String command = "'/opt/pg hs/pg_hardstorage' wal fetch --repo 'file:///C:\\backups' %f %p";
    Path data = tmp.resolve("data");
    RestoreFixture.restorer(repo, tmp.resolve("home"))
        .restore(
            RestoreRequest.builder(FakeCluster.DB1, data, command)
                .remapTablespace(FakeCluster.TS_LOCATION, tmp.resolve("ts"))
                .sync(false)
                .build(),
            p -> {});
    assertThat(Files.readAllLines(data.resolve("postgresql.auto.conf")))
        .contains(
            "restore_command = '''/opt/pg hs/pg_hardstorage'' wal fetch --repo"
                + " ''file:///C:\\\\backups'' %f %p'");
  }

  @Test
  void aBackupCutAtThePreviousOnesBoundariesRestoresAndVerifiesByteForByte() throws IOException {
    repo = RestoreFixture.init(new MemoryObjectStore("restore"));
    FakeCluster first = FakeCluster.typical();
    FakeCluster.Committed one = first.commit(repo, id(1));
    FakeCluster.archiveWal(repo);
    // Pages changed here and there, a grown file and a shrunk one, in both archives.
    byte[] rel = first.base().get("base/5/16384").content().clone();
    rel[3 * 8192 + 100] ^= 1;
    rel[29 * 8192 + 7000] ^= 1;
    byte[] ts = first.tablespace().get(FakeCluster.TS_VERSION_DIR + "/5/16400").content().clone();
    ts[11 * 8192] ^= 1;
    byte[] catalog = first.base().get("base/1/1259").content();
    FakeCluster second =
        FakeCluster.typical()
            .put("base/5/16384", rel)
            .put("base/1/1259", java.util.Arrays.copyOf(catalog, catalog.length + 3 * 8192))
            .put("base/5/16384_fsm", java.util.Arrays.copyOf(new byte[3 * 8192], 8192));
    second.tablespace().put(FakeCluster.TS_VERSION_DIR + "/5/16400", FakeCluster.Node.file(ts));
    FakeCluster.Committed two =
        second.commit(repo, id(2), org.pghardstorage.core.repo.PreviousFiles.of(one.manifest()));
    assertThat(two.manifest().chunkRefs()).anyMatch(r -> r.slice() != null);

    Path data = tmp.resolve("restored/data");
    Path tsDir = tmp.resolve("restored/ts1");
    RestoreFixture.restorer(repo, tmp.resolve("home"))
        .restore(RestoreFixture.request(data, tsDir).build(), p -> {});

    Map<String, FakeCluster.Node> expected = new TreeMap<>(second.base());
    expected.remove("postgresql.auto.conf"); // rewritten by restore
    expected.remove("pg_tblspc/" + FakeCluster.TS_OID);
    TreeSnapshot.assertContains(TreeSnapshot.read(data), expected);
    TreeSnapshot.assertContains(TreeSnapshot.read(tsDir), second.tablespace());
    org.pghardstorage.core.verify.VerifyReport report =
        new org.pghardstorage.core.verify.Verifier(repo)
            .verify(
                org.pghardstorage.core.verify.VerifyRequest.of(
                    FakeCluster.DB1, BackupSelector.parse(id(2).value())),
                p -> {});
    assertThat(report.errors()).isEmpty();
  }

  @Test
  void restoresTheNewestBackupForLatestAndAnOlderOneById() throws IOException {
    repo = RestoreFixture.init(new MemoryObjectStore("restore"));
    FakeCluster.typical().put("PG_VERSION", "16\n".getBytes()).commit(repo, id(1));
    FakeCluster.typical().put("PG_VERSION", "17\n".getBytes()).commit(repo, id(2));
    Restorer restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));

    RestoreResult latest =
        restorer.restore(
            RestoreFixture.request(tmp.resolve("a"), tmp.resolve("ta")).build(), p -> {});
    RestoreResult first =
        restorer.restore(
            RestoreFixture.request(tmp.resolve("b"), tmp.resolve("tb"))
                .backup(BackupSelector.parse(id(1).value()))
                .build(),
            p -> {});

    assertThat(latest.backupId()).isEqualTo(id(2).value());
    assertThat(tmp.resolve("a/PG_VERSION")).hasContent("17");
    assertThat(first.backupId()).isEqualTo(id(1).value());
    assertThat(tmp.resolve("b/PG_VERSION")).hasContent("16");
  }

  @Test
  void anUnknownBackupOrDeploymentIsNotFound() {
    backup(new MemoryObjectStore("restore"), FakeCluster.typical());
    Restorer restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
    RestoreRequest missing =
        RestoreFixture.request(tmp.resolve("data"), tmp.resolve("ts"))
            .backup(BackupSelector.of(id(7)))
            .build();
    assertThatThrownBy(() -> restorer.restore(missing, p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("backup.not_found");
              assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
              assertThat(e.getMessage()).contains(id(7).value()).contains("db1");
              assertThat(e.suggestion())
                  .hasValueSatisfying(
                      s ->
                          assertThat(s)
                              .startsWith(
                                  "list the backups with: pg_hardstorage list db1 --repo "));
            });
    assertThatThrownBy(() -> restorer.preview(missing)).hasMessageContaining(id(7).value());
    RestoreRequest noBackups =
        RestoreRequest.builder(
                org.pghardstorage.core.repo.Deployment.of("db2"), tmp.resolve("x"), "cmd")
            .build();
    assertThatThrownBy(() -> restorer.restore(noBackups, p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("backup.not_found");
              assertThat(e.getMessage()).contains("db2 has no backups");
            });
    assertThat(tmp.resolve("data")).doesNotExist();
  }

  @Test
  void aChecksumMismatchAbortsNamingTheFileAndItsPacks() {
    backup(new MemoryObjectStore("restore"), FakeCluster.typical().withWrongCrc("base/1/1259"));
    Path data = tmp.resolve("data");
    assertThatThrownBy(
            () ->
                RestoreFixture.restorer(repo, tmp.resolve("home"))
                    .restore(RestoreFixture.request(data, tmp.resolve("ts")).build(), p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.checksum_mismatch");
              assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
              assertThat(e.getMessage())
                  .contains("base/1/1259")
                  .contains("0badcafe")
                  .contains("@data/");
            });
    assertThat(data.resolve(IncompleteMarker.NAME)).exists();
    assertThat(data.resolve("recovery.signal")).doesNotExist();
  }

  static long countFiles(Map<String, FakeCluster.Node> tree) {
    return tree.values().stream().filter(n -> n.type() == FileType.FILE).count();
  }

  private static List<String> union(java.util.Set<String> keys, String... more) {
    List<String> out = new ArrayList<>(keys);
    out.addAll(List.of(more));
    return out;
  }
}
