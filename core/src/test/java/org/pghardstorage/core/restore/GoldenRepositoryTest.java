package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.crypto.EncryptionMode;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.BackupStats;
import org.pghardstorage.core.repo.manifest.FileType;
import org.pghardstorage.core.restore.GoldenListing.Entry;
import org.pghardstorage.core.restore.GoldenRepositoryWriter.Variant;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.verify.Verifier;
import org.pghardstorage.core.verify.VerifyReport;
import org.pghardstorage.core.verify.VerifyRequest;

/**
 * The golden repositories of format 1 ({@code src/test/resources/golden/format-1}, see the README
 * there), written once by an earlier version and committed, still read with this code exactly as
 * {@code expected.txt} beside each says: a reader that stops accepting those bytes, or reads them
 * differently, fails here, so the format cannot drift unnoticed. Nothing is regenerated: the
 * fixture is copied into a temporary directory (opening and restoring take locks, verifying
 * replaces verification records) and only read.
 */
class GoldenRepositoryTest {
  private static final String DISABLED = "# disabled by pg_hardstorage restore ";

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Variant.class)
  void theCurrentCodeRestoresVerifiesAndFetchesEverythingTheGoldenRepositoryHolds(Variant v) {
    assertThat(objects(golden(v).resolve("repository")))
        .as("the fixture holds every kind of object")
        .anyMatch(k -> k.equals("config"))
        .anyMatch(k -> k.startsWith("data/"))
        .anyMatch(k -> k.startsWith("index/"))
        .anyMatch(k -> k.endsWith("/manifest"))
        .anyMatch(k -> k.endsWith("/backup_manifest"))
        .anyMatch(k -> k.endsWith("/verification"))
        .anyMatch(k -> k.matches("wal/db1/00000001/[0-9A-F]{24}"))
        .anyMatch(k -> k.endsWith(".partial"))
        .anyMatch(k -> k.endsWith(".history"))
        .anyMatch(k -> k.startsWith("wal/db1/00000002/"));

    check(v, copy(v));
  }

  /** Every stored object but {@code config}, which carries no checksum (spec §4), in both. */
  static Stream<Arguments> everyObject() {
    return Arrays.stream(Variant.values())
        .flatMap(
            v ->
                objects(golden(v).resolve("repository")).stream()
                    .filter(k -> !k.equals("config"))
                    .map(k -> Arguments.of(v, k)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("everyObject")
  void aFlippedByteInAnyObjectFailsTheCheckNamingIt(Variant v, String key) throws IOException {
    Path root = copy(v);
    Path object = root.resolve(key);
    byte[] bytes = Files.readAllBytes(object);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(object, bytes);

    Throwable failure = catchThrowable(() -> check(v, root));

    assertThat(failure).as("the check of a copy with %s damaged", key).isNotNull();
    assertThat(messages(failure)).as("what the failure says").contains(key);
  }

  private void check(Variant v, Path root) {
    GoldenListing expected = GoldenListing.read(golden(v).resolve("expected.txt"));
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    checkWal(v, store, expected);
    try (Repository repo = Repository.open(store, v.openOptions())) {
      assertThat(repo.config().format()).isEqualTo(1);
      assertThat(repo.config().encryption())
          .isEqualTo(v.encrypted ? EncryptionMode.AES_256_GCM : EncryptionMode.NONE);
      List<BackupId> ids = List.copyOf(expected.backups().keySet());
      assertThat(repo.listBackups(FakeCluster.DB1)).containsExactlyElementsOf(ids);
      for (BackupId id : ids) {
        VerificationRecord record =
            VerificationRecord.read(repo, FakeCluster.DB1, id).orElseThrow();
        assertThat(record.schema()).isEqualTo(VerificationRecord.SCHEMA);
        assertThat(record.backupId()).isEqualTo(id.value());
        assertThat(record.ok()).as("stored verification of %s", id).isTrue();
      }
      checkDedupAcrossBackups(repo, ids);
      for (BackupId id : ids) {
        restoreAndCompare(repo, id, expected);
      }
      for (BackupId id : ids) {
        VerifyReport report =
            new Verifier(repo)
                .verify(VerifyRequest.of(FakeCluster.DB1, BackupSelector.of(id)), p -> {});
        assertThat(report.problems()).as("verification of %s", id).isEmpty();
        assertThat(report.filesChecked())
            .as("files verified of %s", id)
            .isEqualTo(countFiles(expected.backups().get(id)));
      }
    }
  }

  /** What PostgreSQL's restore_command gets, through a repository opened as it opens it. */
  private static void checkWal(Variant v, FileSystemObjectStore store, GoldenListing expected) {
    try (Repository repo = Repository.openForWal(store, v.openOptions())) {
      WalFetcher fetcher = new WalFetcher(repo, FakeCluster.DB1);
      for (GoldenListing.WalFile w : expected.wal()) {
        WalFetcher.Answer answer = fetcher.fetch(w.name());
        assertThat(answer).as("WAL file %s", w.name()).isInstanceOf(WalFetcher.Found.class);
        WalFetcher.Found found = (WalFetcher.Found) answer;
        assertThat(found.partial())
            .as("%s is partial", w.name())
            .isEqualTo(w.kind().equals("partial"));
        byte[] content = found.content();
        if (w.kind().equals("partial")) {
          // handed over zero-padded to the segment size (spec §13.1)
          assertThat(content).as("%s padded", w.name()).hasSize(expected.segmentSize());
          assertThat(Arrays.copyOfRange(content, (int) w.size(), content.length))
              .as("padding of %s", w.name())
              .containsOnly((byte) 0);
          content = Arrays.copyOf(content, (int) w.size());
        }
        assertThat(content).as("size of %s", w.name()).hasSize((int) w.size());
        assertThat(GoldenListing.sha256(content))
            .as("SHA-256 of %s", w.name())
            .isEqualTo(w.sha256());
      }
      for (String name : expected.absent()) {
        assertThat(fetcher.fetch(name))
            .as("WAL file %s", name)
            .isInstanceOf(WalFetcher.Absent.class);
      }
    }
  }

  /** A later backup reads chunks that an earlier one stored. */
  private static void checkDedupAcrossBackups(Repository repo, List<BackupId> ids) {
    Set<ChunkId> earlier = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      BackupManifest m = repo.readManifest(FakeCluster.DB1, ids.get(i)).orElseThrow();
      Set<ChunkId> chunks = m.chunkRefs().map(ChunkRef::id).collect(Collectors.toSet());
      if (i > 0) {
        BackupStats stats = m.stats();
        assertThat(chunks)
            .as("chunks of %s stored earlier", ids.get(i))
            .containsAnyElementsOf(earlier);
        assertThat(stats.chunksNew())
            .as("new chunks of %s", ids.get(i))
            .isLessThan(stats.chunksTotal());
      }
      earlier.addAll(chunks);
    }
  }

  private void restoreAndCompare(Repository repo, BackupId id, GoldenListing expected) {
    Path data = tmp.resolve("restored-" + id + "/data");
    RestoreRequest.Builder request =
        RestoreRequest.builder(FakeCluster.DB1, data, RestoreFixture.RESTORE_COMMAND)
            .recoveryKey(RestoreFixture.KEY)
            .checkRecoveryAccess(false)
            .backup(BackupSelector.of(id))
            .parallelism(3)
            .sync(false);
    List<String> tablespaces = new ArrayList<>();
    for (Entry e : expected.backups().get(id)) {
      if (!e.root().equals(GoldenListing.DATA) && !tablespaces.contains(e.root())) {
        tablespaces.add(e.root());
        request.remapTablespace(e.root(), tablespaceDir(data, e.root()));
      }
    }
    RestoreFixture.restorer(repo, tmp.resolve("home")).restore(request.build(), p -> {});

    Map<String, FakeCluster.Node> restored = TreeSnapshot.read(data);
    compare(id, data, restored, expected.entries(id, GoldenListing.DATA));
    assertThat(restored.keySet())
        .as("what the restore of %s wrote into the data directory", id)
        .containsExactlyInAnyOrderElementsOf(
            union(
                expected.entries(id, GoldenListing.DATA).keySet(),
                RecoveryConfigWriter.RECOVERY_SIGNAL));
    assertThat(restored.get(RecoveryConfigWriter.RECOVERY_SIGNAL).content()).isEmpty();
    for (String oid : tablespaces) {
      Map<String, FakeCluster.Node> ts = TreeSnapshot.read(tablespaceDir(data, oid));
      compare(id, data, ts, expected.entries(id, oid));
      assertThat(ts.keySet())
          .as("what the restore of %s wrote into tablespace %s", id, oid)
          .containsExactlyInAnyOrderElementsOf(expected.entries(id, oid).keySet());
    }
  }

  private static void compare(
      BackupId id, Path data, Map<String, FakeCluster.Node> restored, Map<String, Entry> expected) {
    for (Entry e : expected.values()) {
      String what = id + " " + e.root() + ":" + e.path();
      FakeCluster.Node got = restored.get(e.path());
      assertThat(got).as("restored %s", what).isNotNull();
      assertThat(got.type()).as("type of %s", what).isEqualTo(e.type());
      switch (e.type()) {
        case FILE -> {
          byte[] content = got.content();
          if (e.root().equals(GoldenListing.DATA)
              && e.path().equals(RecoveryConfigWriter.AUTO_CONF)) {
            content = withoutRecoverySettings(content, id);
          }
          assertThat(content).as("size of %s", what).hasSize((int) e.size());
          assertThat(GoldenListing.sha256(content)).as("SHA-256 of %s", what).isEqualTo(e.sha256());
          assertThat(got.mode()).as("mode of %s", what).isEqualTo(e.mode());
          if (e.mtime() != null && !e.path().equals(RecoveryConfigWriter.AUTO_CONF)) {
            assertThat(got.mtime()).as("mtime of %s", what).isEqualTo(e.mtime());
          }
        }
        case DIR -> {
          assertThat(got.mode()).as("mode of %s", what).isEqualTo(e.mode());
          assertThat(got.mtime()).as("mtime of %s", what).isEqualTo(e.mtime());
        }
        case SYMLINK -> {
          String target =
              e.target().startsWith(GoldenListing.TABLESPACE_TARGET)
                  ? tablespaceDir(
                          data, e.target().substring(GoldenListing.TABLESPACE_TARGET.length()))
                      .toString()
                  : e.target();
          assertThat(got.link()).as("target of %s", what).isEqualTo(target);
        }
      }
    }
  }

  /**
   * The backed-up {@code postgresql.auto.conf}: the restore appends its recovery settings in a
   * delimited block and comments out conflicting settings ({@link RecoveryConfigWriter}); undoing
   * exactly that must give back the backup's bytes.
   */
  private static byte[] withoutRecoverySettings(byte[] restored, BackupId id) {
    String text = new String(restored, StandardCharsets.ISO_8859_1);
    String header = RecoveryConfigWriter.HEADER + id + "\n";
    String footer = RecoveryConfigWriter.FOOTER + id + "\n";
    int start = text.indexOf(header);
    assertThat(start).as("the restore's recovery settings block").isNotNegative();
    int end = text.indexOf(footer, start);
    assertThat(end).as("the end of the recovery settings block").isGreaterThan(start);
    String kept = text.substring(0, start) + text.substring(end + footer.length());
    kept = kept.replace(DISABLED + id + ": ", "");
    return kept.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Path tablespaceDir(Path data, String oid) {
    return data.resolveSibling("tablespace-" + oid);
  }

  private static long countFiles(List<Entry> entries) {
    // PostgreSQL's backup_manifest is not a file of the backup: the restore writes it separately
    return entries.stream()
        .filter(e -> e.type() == FileType.FILE)
        .filter(e -> !e.path().equals(Restorer.POSTGRES_MANIFEST))
        .count();
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> out = new HashSet<>(a);
    out.add(b);
    return out;
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }

  /** A copy of the golden repository of {@code v} to work on. */
  private Path copy(Variant v) {
    Path from = golden(v).resolve("repository");
    Path to = tmp.resolve("repository-" + v.directory);
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  /** The keys of the objects below a repository directory. */
  private static List<String> objects(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path golden(Variant v) {
    URL url = GoldenRepositoryTest.class.getResource("/golden/format-1/" + v.directory);
    if (url == null) {
      throw new IllegalStateException(
          "golden/format-1/" + v.directory + " is not on the classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
