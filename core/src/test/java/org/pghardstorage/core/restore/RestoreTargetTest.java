package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.verify.VerificationRecord;

/** What a restore may do to its target directories: refuse, wipe, never escape through links. */
class RestoreTargetTest {
  @TempDir Path tmp;
  private Repository repo;
  private Restorer restorer;
  private Path data;
  private Path ts;

  @BeforeEach
  void backup() {
    repo = RestoreFixture.init(new MemoryObjectStore("target"));
    FakeCluster.typical().commit(repo, id(1));
    restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
    data = tmp.resolve("data");
    ts = tmp.resolve("ts");
  }

  @AfterEach
  void close() {
    repo.close();
  }

  @Test
  void aNonEmptyTargetIsRefusedWithoutForceAndLeftUntouched() throws IOException {
    Files.createDirectories(data);
    Files.writeString(data.resolve("keep.txt"), "mine");
    assertThatThrownBy(() -> restorer.restore(RestoreFixture.request(data, ts).build(), p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.TARGET_NOT_EMPTY);
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.getMessage()).contains(data.toString()).contains("keep.txt");
              assertThat(e.suggestion()).hasValueSatisfying(s -> assertThat(s).contains("--force"));
            });
    assertThat(Files.list(data)).containsExactly(data.resolve("keep.txt"));
    assertThat(ts).doesNotExist();
  }

  @Test
  void aNonEmptyTablespaceTargetIsRefusedToo() throws IOException {
    Files.createDirectories(ts);
    Files.writeString(ts.resolve("old"), "x");
    assertThatThrownBy(() -> restorer.restore(RestoreFixture.request(data, ts).build(), p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.TARGET_NOT_EMPTY);
              assertThat(e.getMessage()).contains(ts.toString());
            });
    // Every target is checked before any is touched.
    assertThat(data).doesNotExist();
  }

  @Test
  void forceEmptiesTheTargetsWithoutFollowingLinksOutOfThem() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "do not delete");
    Files.createDirectories(data.resolve("base/1"));
    Files.writeString(data.resolve("base/1/old"), "old");
    Files.createSymbolicLink(data.resolve("escape"), outside);
    Files.createSymbolicLink(data.resolve("base/escape-file"), outside.resolve("precious"));
    Files.createDirectories(ts);
    Files.writeString(ts.resolve("old"), "old");

    restorer.restore(RestoreFixture.request(data, ts).force(true).build(), p -> {});

    assertThat(outside.resolve("precious")).hasContent("do not delete");
    assertThat(data.resolve("escape")).doesNotExist();
    assertThat(data.resolve("base/1/old")).doesNotExist();
    assertThat(ts.resolve("old")).doesNotExist();
    assertThat(data.resolve("PG_VERSION")).hasContent("17");
    assertThat(data.resolve("recovery.signal")).exists();
  }

  @Test
  void forceWorksThroughATargetThatIsItselfALink() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real-data"));
    Files.writeString(real.resolve("old"), "old");
    Path link = Files.createSymbolicLink(tmp.resolve("data-link"), real);
    restorer.restore(RestoreFixture.request(link, ts).force(true).build(), p -> {});
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(real.resolve("old")).doesNotExist();
    assertThat(real.resolve("PG_VERSION")).exists();
  }

  @Test
  void aDirectoryWithPostmasterPidIsRefusedEvenWithForce() throws IOException {
    Files.createDirectories(data);
    Files.writeString(
        data.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + data + "\n");
    Files.writeString(data.resolve("PG_VERSION"), "17\n");
    assertThatThrownBy(
            () -> restorer.restore(RestoreFixture.request(data, ts).force(true).build(), p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.SERVER_RUNNING);
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.getMessage())
                  .contains("postmaster.pid")
                  .contains("process " + ProcessHandle.current().pid() + " is running");
              assertThat(e.suggestion()).hasValueSatisfying(s -> assertThat(s).contains("pg_ctl"));
            });
    assertThat(data.resolve("PG_VERSION")).exists();
  }

  @Test
  void forceRefusesToEmptyTheHomeDirectoryOrItsParents() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(home.resolve(".profile"), "keep");
    assertThatThrownBy(
            () -> restorer.restore(RestoreFixture.request(home, ts).force(true).build(), p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.TARGET_PROTECTED);
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).contains("it is the home directory");
            });
    assertThatThrownBy(
            () ->
                restorer.restore(
                    RestoreFixture.request(tmp, tmp.getParent().resolve("ts-elsewhere"))
                        .force(true)
                        .build(),
                    p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.getMessage()).contains("it contains the home directory"));
    assertThat(home.resolve(".profile")).exists();
  }

  @Test
  void theRootDirectoryIsNeverEmptied() {
    // The guard alone: a full restore into / would also fail the overlap check.
    BackupManifest m = repo.readManifest(FakeCluster.DB1, id(1)).orElseThrow();
    RestorePlan plan =
        new RestorePlan(
            m,
            Path.of("/"),
            List.of(new RestorePlan.ArchiveTarget(m.archives().get(0), Path.of("/"), false)),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            RecoverySettings.immediate("cmd"),
            Map.of());
    assertThat(RestoreFixture.guard(repo, tmp.resolve("home")).check(plan, true))
        .hasValueSatisfying(
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.TARGET_PROTECTED);
              assertThat(e.getMessage()).contains("it is the root directory");
            });
  }

  @Test
  void anUnmappedTablespaceDirectoryIsNotEmptiedUnlessAnInterruptedRestoreLeftIt()
      throws IOException {
    repo.close();
    repo = RestoreFixture.init(new MemoryObjectStore("ts"));
    Path recorded = Files.createDirectories(tmp.resolve("recorded-ts"));
    FakeCluster.typical().withTablespaceLocation(recorded.toString()).commit(repo, id(1));
    restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
    Files.writeString(recorded.resolve("live"), "production data");
    RestoreRequest request =
        RestoreRequest.builder(FakeCluster.DB1, data, "cmd").force(true).sync(false).build();

    assertThatThrownBy(() -> restorer.restore(request, p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.INVALID_REQUEST);
              assertThat(e.getMessage())
                  .contains(recorded.toString())
                  .contains("recorded location");
              assertThat(e.suggestion())
                  .hasValueSatisfying(s -> assertThat(s).contains("--tablespace-map 16385="));
            });
    assertThat(recorded.resolve("live")).exists();

    Files.writeString(recorded.resolve(IncompleteMarker.NAME), "interrupted");
    restorer.restore(request, p -> {});
    assertThat(recorded.resolve("live")).doesNotExist();
    assertThat(Files.readSymbolicLink(data.resolve("pg_tblspc/16385"))).isEqualTo(recorded);
  }

  @Test
  void tablespacesAreMappedByOldLocationAndTheLinkAndMapFollow() throws IOException {
    repo.close();
    repo = RestoreFixture.init(new MemoryObjectStore("map"));
    FakeCluster.typical()
        .put("tablespace_map", ("16385 " + FakeCluster.TS_LOCATION + "\n").getBytes())
        .commit(repo, id(1));
    restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
    Path moved = tmp.resolve("new place\\ts");

    RestoreResult r =
        restorer.restore(
            RestoreRequest.builder(FakeCluster.DB1, data, "cmd")
                .remapTablespace(FakeCluster.TS_LOCATION, moved)
                .sync(false)
                .build(),
            p -> {});

    assertThat(Files.readSymbolicLink(data.resolve("pg_tblspc/16385"))).isEqualTo(moved);
    assertThat(moved.resolve(FakeCluster.TS_VERSION_DIR + "/5/16400")).exists();
    assertThat(data.resolve("tablespace_map")).hasContent("16385 " + tmp + "/new place\\\\ts");
    assertThat(r.tablespaces().get(0).remapped()).isTrue();
  }

  @Test
  void invalidMappingsAreUsageErrors() {
    assertThatThrownBy(
            () ->
                restorer.restore(
                    RestoreFixture.request(data, ts)
                        .remapTablespace("99", tmp.resolve("x"))
                        .build(),
                    p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.INVALID_REQUEST);
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage())
                  .contains("[99]")
                  .contains("16385 (" + FakeCluster.TS_LOCATION);
            });
    assertThatThrownBy(
            () ->
                restorer.restore(RestoreFixture.request(data, data.resolve("ts")).build(), p -> {}))
        .hasMessageContaining("overlaps the data directory");
    assertThatThrownBy(() -> RestoreFixture.request(Path.of("relative"), ts).build())
        .hasMessageContaining("not an absolute path");
    assertThatThrownBy(() -> RestoreRequest.builder(FakeCluster.DB1, data, "a\nb").build())
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("restore_command").contains("line break");
            });
    assertThat(data).doesNotExist();
  }

  @Test
  void forceNeverDeletesAClusterWhosePostmasterPidLiesDeeper() throws IOException {
    Path cluster = Files.createDirectories(data.resolve("old/cluster"));
    Files.writeString(cluster.resolve("postmaster.pid"), "12345\n/srv/x\n");
    Files.writeString(cluster.resolve("PG_VERSION"), "17\n");

    assertThatThrownBy(
            () -> restorer.restore(RestoreFixture.request(data, ts).force(true).build(), p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.SERVER_RUNNING);
              assertThat(e.getMessage()).contains(cluster.resolve("postmaster.pid").toString());
            });
    assertThat(cluster.resolve("PG_VERSION")).exists();
  }

  @Test
  void forceNeverDeletesTheRepositoryNorWritesIntoIt() throws IOException {
    repo.close();
    Path repoDir = Files.createDirectories(tmp.resolve("restore-here/repo"));
    repo = RestoreFixture.init(new FileSystemObjectStore(repoDir));
    FakeCluster.typical().commit(repo, id(1));
    FakeCluster.archiveWal(repo);
    restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
    long objects = count(repoDir);

    for (Path target : List.of(tmp.resolve("restore-here"), repoDir, repoDir.resolve("restored"))) {
      assertThatThrownBy(
              () ->
                  restorer.restore(RestoreFixture.request(target, ts).force(true).build(), p -> {}))
          .as(target.toString())
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RestoreErrors.TARGET_PROTECTED);
                assertThat(e.getMessage()).contains("repository");
              });
    }
    assertThat(count(repoDir)).isEqualTo(objects);
    assertThat(repoDir.resolve("restored")).as("no restore inside the repository").doesNotExist();
  }

  @Test
  void aBackupThatFailedVerificationIsRefusedUnlessForced() throws IOException {
    FakeCluster.typical().commit(repo, id(2));
    FakeCluster.archiveWal(repo);
    failedVerification(id(2));

    RestoreRequest latest = RestoreFixture.request(data, ts).build();
    RestorePreview p = restorer.preview(latest);
    assertThat(p.problems())
        .anySatisfy(x -> assertThat(x).contains("failed its last verification"));
    assertThatThrownBy(() -> restorer.restore(latest, x -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.BACKUP_FAILED_VERIFICATION);
              assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
              assertThat(e.getMessage()).contains(id(2).value()).contains("1 error");
              assertThat(e.suggestion())
                  .hasValueSatisfying(
                      s -> assertThat(s).contains(id(1).value()).contains("--force"));
            });
    assertThat(data).doesNotExist();

    RestoreRequest forced = RestoreFixture.request(data, ts).force(true).build();
    assertThat(restorer.preview(forced).warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).contains("--force restores it anyway"));
    restorer.restore(forced, x -> {});
    assertThat(data.resolve("recovery.signal")).exists();
  }

  @Test
  void anUnreadableVerificationRecordCountsAsFailed() {
    repo.recordVerification(FakeCluster.DB1, id(1), "{not json".getBytes());

    assertThatThrownBy(() -> restorer.restore(RestoreFixture.request(data, ts).build(), x -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RestoreErrors.BACKUP_FAILED_VERIFICATION);
              assertThat(e.getMessage()).contains("cannot be read");
            });
  }

  private void failedVerification(BackupId backup) {
    new VerificationRecord(
            VerificationRecord.SCHEMA,
            backup.value(),
            false,
            java.time.Instant.parse("2026-12-01T03:00:00Z"),
            1,
            0,
            10,
            1000,
            5,
            "test")
        .store(repo, FakeCluster.DB1);
  }

  private static long count(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.count();
    }
  }
}
