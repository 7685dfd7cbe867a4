package org.pghardstorage.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.BackupWriter;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;
import org.pghardstorage.devstack.Cmd;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.it.cli.Cli;
import org.pghardstorage.it.cli.StreamedCluster;

/**
 * Attacks on a real backup of PostgreSQL 15 in a file repository, through the command line: forged
 * manifests (a link named like a file restore writes, a tablespace recorded in a home directory),
 * swapped objects (one backup's manifest under another's name, one WAL segment under the next
 * one's), truncated objects (a pack, a manifest, a segment) and a segment deleted from the middle
 * of the archive. Each is refused with exit 9 (or 2 where the operator must choose a directory) and
 * nothing is written outside the restore target; {@code verify} reports the damage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttacksIT {
  private static final int MAJOR = 15;
  private static final Deployment DB1 = Deployment.of("db1");

  private PgCluster source;
  private Path work;
  private Path pristine;
  private String first;
  private String second;
  private int refused;

  @BeforeAll
  void setUp() {
    work = Locations.newRunDir("pghs-it-attacks-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    StreamedCluster.prepare(source);
    pristine = work.resolve("pristine");
    String repo = "file://" + pristine;
    assertThat(Cli.initRepository(repo).exitCode()).isZero();
    try (Cli.Background streamer =
        StreamedCluster.stream(work.resolve("stream.log"), source, repo)) {
      first = backup(repo);
      for (int i = 0; i < 4; i++) {
        StreamedCluster.mark(source, i * 10 + 1, i * 10 + 10);
        source.execute("postgres", "SELECT pg_switch_wal()");
      }
      second = backup(repo);
      StreamedCluster.awaitDurable(streamer, StreamedCluster.insertLsn(source));
    }
  }

  @AfterAll
  void tearDown() {
    FaultFigures.record("attacks refused (command line)", String.valueOf(refused));
    StreamedCluster.closeAndDelete(source, work);
  }

  @Test
  void aLinkNamedLikeAFileRestoreWritesIsRefused() throws IOException {
    Path victim = Files.writeString(work.resolve("victim"), "precious\n");
    Attempt a =
        attempt(
            "link-auto-conf",
            dir ->
                forge(
                    dir,
                    m ->
                        replaceBaseEntry(
                            m,
                            "postgresql.auto.conf",
                            FileEntry.symlink(
                                "postgresql.auto.conf", 0777, m.startedAt(), victim.toString()))));
    a.restore(a.forged).refusedWith(9, "restore.manifest_refused").wroteNothing();
    assertThat(victim).hasContent("precious\n");
  }

  @Test
  void aTablespaceRecordedInAHomeDirectoryIsNotUsedUnasked() throws IOException {
    // the source has no tablespace; the forgery adds one recorded in root's ~/.ssh
    Path ssh = Path.of(System.getProperty("user.home"), ".ssh-pghs-attack");
    Attempt a =
        attempt(
            "tablespace-in-home",
            dir ->
                forge(
                    dir,
                    m ->
                        new BackupManifest(
                            m.backupId(),
                            m.deployment(),
                            m.label(),
                            m.startedAt(),
                            m.finishedAt(),
                            m.postgres(),
                            m.wal(),
                            List.of(
                                new org.pghardstorage.core.repo.manifest.Tablespace(
                                    16999, ssh.toString())),
                            List.of(
                                m.archives().get(0),
                                Archive.tablespace(
                                    16999,
                                    List.of(
                                        FileEntry.directory(
                                            "PG_15_202209061", 0700, m.startedAt())))),
                            m.stats(),
                            m.postgresBackupManifest(),
                            m.source())));
    a.restore(a.forged).refusedWith(2, "restore.tablespace_location_refused").wroteNothing();
    assertThat(ssh).doesNotExist();
  }

  @Test
  void oneBackupsManifestUnderAnothersNameIsRefused() {
    Attempt a =
        attempt(
            "swapped-manifest",
            dir ->
                copy(
                    dir.resolve("backups/db1/" + first + "/manifest"),
                    dir.resolve("backups/db1/" + second + "/manifest")));
    a.restore(second).refusedWith(9, "repo.corrupt").wroteNothing();
    a.verify(second).refusedWith(9, "");
  }

  @Test
  void aTruncatedManifestIsRefused() {
    Attempt a =
        attempt(
            "truncated-manifest",
            dir -> truncate(dir.resolve("backups/db1/" + second + "/manifest")));
    a.restore(second).refusedWith(9, "repo.corrupt").wroteNothing();
  }

  @Test
  void aTruncatedPackFailsTheRestoreAndVerify() {
    Attempt a = attempt("truncated-pack", dir -> truncate(largest(dir.resolve("data"))));
    a.restore(second).refusedWith(9, "");
    a.verify(second).refusedWith(9, "");
  }

  @Test
  void swappedAndTruncatedSegmentsAreDamageNotTheEndOfTheArchive() {
    Attempt swapped =
        attempt(
            "swapped-segment",
            dir -> {
              List<Path> segments = segments(dir);
              copy(segments.get(segments.size() - 3), segments.get(segments.size() - 2));
            });
    String victim =
        segments(swapped.repoDir)
            .get(segments(swapped.repoDir).size() - 2)
            .getFileName()
            .toString();
    swapped.walFetch(victim).refusedWith(255, "is damaged");

    Attempt truncated =
        attempt("truncated-segment", dir -> truncate(segments(dir).get(segments(dir).size() - 2)));
    truncated.walFetch(victim).refusedWith(255, "is damaged");

    Attempt hole =
        attempt(
            "deleted-segment",
            dir -> {
              try {
                Files.delete(segments(dir).get(segments(dir).size() - 2));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    hole.walFetch(victim).refusedWith(255, "is missing, but");
    Cli.Result audit = Cli.run("wal", "audit", "db1", "--repo", hole.repo);
    assertThat(audit.exitCode()).as(audit.toString()).isEqualTo(9);
  }

  // ---- scaffolding

  /** A damaged copy of the pristine repository. */
  private final class Attempt {
    final Path repoDir;
    final String repo;
    final String forged;
    final Path target;
    Cli.Result last;

    Attempt(Path repoDir, String forged) {
      this.repoDir = repoDir;
      this.repo = "file://" + repoDir;
      this.forged = forged;
      this.target = work.resolve("target-" + repoDir.getFileName());
    }

    Attempt restore(String backup) {
      last =
          Cli.run(
              "restore", "db1", backup, "--repo", repo, "--target", target.toString(), "--no-sync");
      return this;
    }

    Attempt verify(String backup) {
      last = Cli.run("verify", "db1", backup, "--repo", repo);
      return this;
    }

    Attempt walFetch(String segment) {
      Path into = work.resolve("fetched-" + repoDir.getFileName());
      last =
          Cli.run(
              Map.of(),
              "wal",
              "fetch",
              "db1",
              segment,
              into.toString(),
              "--restore-command",
              "--repo",
              repo);
      return this;
    }

    Attempt refusedWith(int exit, String code) {
      assertThat(last.exitCode()).as(last.toString()).isEqualTo(exit);
      if (!code.isEmpty()) {
        assertThat(last.stdout() + last.stderr()).contains(code);
      }
      refused++;
      return this;
    }

    /** Nothing in or around the target: planning refused before the first write. */
    void wroteNothing() {
      assertThat(target).doesNotExist();
    }
  }

  private Attempt attempt(String name, Consumer<Path> damage) {
    Path dir = work.resolve("repo-" + name);
    Cmd.check(List.of("cp", "-a", pristine.toString(), dir.toString()), Duration.ofMinutes(2));
    forgedId = null;
    damage.accept(dir);
    return new Attempt(dir, forgedId);
  }

  private String forgedId;

  /** Commits a new backup whose manifest is {@code edit} of the second one's. */
  private void forge(Path dir, java.util.function.UnaryOperator<BackupManifest> edit) {
    try (Repository repo = Repository.open(new FileSystemObjectStore(dir))) {
      BackupManifest m = repo.readManifest(DB1, BackupId.parse(second)).orElseThrow();
      byte[] pg = repo.readPostgresBackupManifest(DB1, m.backupId()).orElseThrow();
      BackupId id = BackupId.generate(m.startedAt().plusSeconds(1), new SecureRandom());
      BackupManifest e = edit.apply(m);
      BackupManifest forged =
          new BackupManifest(
              id,
              e.deployment(),
              e.label(),
              e.startedAt().plusSeconds(1),
              e.finishedAt().plusSeconds(1),
              e.postgres(),
              e.wal(),
              e.tablespaces(),
              e.archives(),
              e.stats(),
              e.postgresBackupManifest(),
              e.source());
      try (BackupWriter w = repo.newBackup(DB1, id)) {
        w.commit(forged, pg);
      }
      forgedId = id.value();
    }
  }

  private static BackupManifest replaceBaseEntry(BackupManifest m, String path, FileEntry entry) {
    List<FileEntry> files = new ArrayList<>();
    for (FileEntry f : m.archives().get(0).files()) {
      files.add(f.path().equals(path) ? entry : f);
    }
    List<Archive> archives = new ArrayList<>(m.archives());
    archives.set(0, Archive.base(files));
    return new BackupManifest(
        m.backupId(),
        m.deployment(),
        m.label(),
        m.startedAt(),
        m.finishedAt(),
        m.postgres(),
        m.wal(),
        m.tablespaces(),
        archives,
        m.stats(),
        m.postgresBackupManifest(),
        m.source());
  }

  private String backup(String repo) {
    Cli.Result b =
        Cli.run(
            "backup", "db1", "--pg-connection", StreamedCluster.conninfo(source), "--repo", repo);
    assertThat(b.exitCode()).as(b.toString()).isZero();
    return b.result().path("backup_id").asText();
  }

  private static List<Path> segments(Path repoDir) {
    try (Stream<Path> s = Files.list(repoDir.resolve("wal/db1/00000001"))) {
      return s.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path largest(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .max(java.util.Comparator.comparingLong(AttacksIT::size))
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void truncate(Path file) {
    try {
      byte[] b = Files.readAllBytes(file);
      Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
