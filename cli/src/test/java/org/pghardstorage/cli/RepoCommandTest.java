package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.cli.InProcess.Run;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.BackupWriter;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryConfig;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;

/**
 * {@code repo init --group-readable}, {@code repo index rebuild}, {@code repo locks} and {@code
 * repo unlock} in process, against a filesystem repository; what they do to the repository is
 * covered by core's tests.
 */
class RepoCommandTest {
  @TempDir Path tmp;
  private Path root;
  private String url;

  @BeforeEach
  void paths() throws IOException {
    root = tmp.resolve("repo");
    url = "file://" + root;
    // an empty configuration file, so that none on this machine is read
    Files.writeString(tmp.resolve("empty.yml"), "deployments: {}\n");
  }

  private Run run(String... args) {
    return InProcess.run(tmp.resolve("empty.yml"), args);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aNewRepositoryIsOwnerOnlyUnlessAskedToBeGroupReadable() throws IOException {
    assertThat(run("repo", "init", url).exit()).isZero();
    assertThat(mode(root)).isEqualTo("rwx------");
    assertThat(mode(root.resolve("config"))).isEqualTo("rw-------");

    Path shared = tmp.resolve("shared");
    Files.createDirectory(shared); // an existing directory, as an operator would prepare it
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
    assertThat(run("repo", "init", "--group-readable", "file://" + shared).exit()).isZero();
    assertThat(mode(shared)).isEqualTo("rwxr-x---");
    assertThat((Integer) Files.getAttribute(shared, "unix:mode") & 02000).isEqualTo(02000);
    assertThat(mode(shared.resolve("config"))).isEqualTo("rw-r-----");

    Run s3 = run("repo", "init", "--group-readable", "s3://bucket/prefix");
    assertThat(s3.exit()).isEqualTo(2);
    assertThat(s3.code()).isEqualTo("usage.group_readable");
  }

  @Test
  void initTakesTheCompressionLevelsAndRefusesOutOfRangeOnes() throws IOException {
    Run defaults = run("repo", "init", url);
    assertThat(defaults.exit()).as("%s", defaults).isZero();
    assertThat(defaults.result().path("compression_level").asInt())
        .isEqualTo(RepositoryOptions.DEFAULT_COMPRESSION_LEVEL);
    assertThat(defaults.result().path("wal_compression_level").asInt())
        .isEqualTo(RepositoryOptions.DEFAULT_WAL_COMPRESSION_LEVEL);

    String chosen = "file://" + tmp.resolve("chosen");
    Run levels =
        run("repo", "init", "--compression-level", "6", "--wal-compression-level", "-3", chosen);
    assertThat(levels.exit()).as("%s", levels).isZero();
    try (FileSystemObjectStore store = new FileSystemObjectStore(tmp.resolve("chosen"));
        Repository repo = Repository.open(store)) {
      assertThat(repo.config().compressionLevel()).isEqualTo(6);
      assertThat(repo.config().walCompressionLevel()).isEqualTo(-3);
    }

    String refused = "file://" + tmp.resolve("refused");
    Run zero = run("repo", "init", "--wal-compression-level", "0", refused);
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.code()).isEqualTo("repo.invalid_options");
    assertThat(zero.message()).contains("wal_level 0 is not a zstd level");
    assertThat(tmp.resolve("refused").resolve("config")).doesNotExist();
  }

  @Test
  void indexRebuildIndexesUnlistedPacksAndRemovesDamagedIndexObjects() throws IOException {
    Files.createDirectory(root);
    RepositoryOptions smallPacks =
        RepositoryOptions.defaults().withPackTargetSize(RepositoryConfig.MIN_PACK_SIZE);
    try (FileSystemObjectStore store = new FileSystemObjectStore(root);
        Repository repo = Repository.init(store, smallPacks)) {
      // an interrupted backup: its packs are stored but no index file lists them
      BackupWriter w =
          repo.newBackup(Deployment.of("db1"), BackupId.parse("20261130T190600Z-aaaaaa"));
      byte[] data = new byte[1 << 20];
      new Random(7).nextBytes(data);
      w.writeFile(new ByteArrayInputStream(data));
      w.abort();
    }
    int packs = countFiles(root.resolve("data"));
    assertThat(packs).isPositive();
    Path damaged = root.resolve("index/" + "ab".repeat(32));
    Files.createDirectories(damaged.getParent());
    Files.writeString(damaged, "not an index file");

    Run r = run("repo", "index", "rebuild", "--repo", url);

    assertThat(r.exit()).as(r.doc().toString()).isZero();
    assertThat(r.result().path("packs_scanned").asInt()).isEqualTo(packs);
    assertThat(r.result().path("packs_indexed").asInt()).isEqualTo(packs);
    assertThat(r.result().path("index_files_written")).hasSize(1);
    assertThat(r.result().path("damaged_index_objects_removed").get(0).asText())
        .isEqualTo("index/" + "ab".repeat(32));
    assertThat(r.result().path("damaged_packs")).isEmpty();
    assertThat(r.result().path("complete").asBoolean()).isTrue();
    assertThat(damaged).doesNotExist();

    Path bogus = root.resolve("data/cd/" + "cd".repeat(32));
    Files.createDirectories(bogus.getParent());
    Files.writeString(bogus, "not a pack");
    Run again = run("repo", "index", "rebuild", "--repo", url);
    assertThat(again.exit()).as(again.doc().toString()).isEqualTo(9);
    assertThat(again.result().path("packs_indexed").asInt()).isZero();
    assertThat(again.result().path("damaged_packs").get(0).path("key").asText())
        .isEqualTo("data/cd/" + "cd".repeat(32));
  }

  @Test
  void unlockRemovesStaleLocksAndALiveOneOnlyByIdWithForce() throws IOException {
    assertThat(run("repo", "init", url).exit()).isZero();
    String staleId = "0123456789abcdef0123456789abcdef";
    Path stale = root.resolve("locks/" + staleId);
    Files.createDirectories(stale.getParent());
    Files.writeString(
        stale,
        "{\"schema\": \"pg_hardstorage.lock.v1\", \"kind\": \"shared\", \"purpose\": \"backup db1"
            + " of a crashed host\", \"host\": \"gone\", \"pid\": 7, \"created_at\":"
            + " \"2026-01-01T00:00:00Z\", \"heartbeat_at\": \"2026-01-01T00:00:00Z\"}",
        StandardCharsets.UTF_8);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    try (FileSystemObjectStore store = new FileSystemObjectStore(root);
        Repository repo = Repository.open(store);
        RepositoryLock live = repo.lock(LockKind.EXCLUSIVE, "rotate db1")) {
      Run locks = run("repo", "locks", "--repo", url);
      assertThat(locks.exit()).isZero();
      assertThat(locks.result()).hasSize(2);

      Run unlock = run("repo", "unlock", "--repo", url);
      assertThat(unlock.exit()).isZero();
      assertThat(unlock.result().path("removed")).hasSize(1);
      assertThat(unlock.result().path("removed").get(0).path("id").asText()).isEqualTo(staleId);
      assertThat(unlock.result().path("removed").get(0).path("host").asText()).isEqualTo("gone");
      assertThat(stale).doesNotExist();

      Run refused = run("repo", "unlock", "--repo", url, "--lock", live.id());
      assertThat(refused.exit()).isEqualTo(7);
      assertThat(refused.code()).isEqualTo("repo.lock_live");
      assertThat(refused.message()).contains("rotate db1");

      Run forced = run("repo", "unlock", "--repo", url, "--lock", live.id(), "--force");
      assertThat(forced.exit()).isZero();
      assertThat(forced.result().path("removed").get(0).path("purpose").asText())
          .isEqualTo("rotate db1");
      assertThat(root.resolve("locks/" + live.id())).doesNotExist();
    }

    Run badFlags = run("repo", "unlock", "--repo", url, "--force");
    assertThat(badFlags.exit()).isEqualTo(2);
    assertThat(badFlags.code()).isEqualTo("usage.unlock_options");
  }

  private static int countFiles(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return (int) files.filter(Files::isRegularFile).count();
    }
  }
}
