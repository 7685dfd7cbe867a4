package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.restore.FakeCluster.DB1;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Forgery;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Attacks through a backup manifest (its writer controls every entry): links named like the files
 * restore writes itself, links and paths that lead outside the target, entries below links or
 * files, tablespace locations in home or system directories. Each is refused before anything is
 * written, naming the entry, and the files outside stay as they were.
 */
class ForgedManifestTest {
  @TempDir Path tmp;
  private Repository repo;
  private Path outside;
  private Path victim;
  private Path data;

  @BeforeEach
  void setUp() throws IOException {
    outside = Files.createDirectories(tmp.resolve("outside"));
    victim = outside.resolve("victim.conf");
    Files.writeString(victim, "precious\n");
    data = tmp.resolve("data");
  }

  @AfterEach
  void close() {
    if (repo != null) {
      repo.close();
    }
  }

  private void commit(FakeCluster cluster) {
    repo = RestoreFixture.init(new MemoryObjectStore("forged"));
    cluster.commit(repo, id(1));
    FakeCluster.archiveWal(repo);
  }

  private HardstorageException refused(RestoreRequest request) {
    Restorer restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
    HardstorageException onPreview = catchRefusal(() -> restorer.preview(request));
    HardstorageException onRestore = catchRefusal(() -> restorer.restore(request, p -> {}));
    assertThat(onRestore.code()).isEqualTo(onPreview.code());
    assertNothingWritten();
    return onRestore;
  }

  private static HardstorageException catchRefusal(Runnable r) {
    try {
      r.run();
      throw new AssertionError("expected a refusal");
    } catch (HardstorageException e) {
      return e;
    }
  }

  private RestoreRequest request() {
    return RestoreFixture.request(data, tmp.resolve("ts")).build();
  }

  private void assertNothingWritten() {
    assertThat(data).as("the target is untouched").doesNotExist();
    assertThat(tmp.resolve("ts")).doesNotExist();
    assertThat(victim).hasContent("precious\n");
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("victim.conf");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void assertManifestRefused(HardstorageException e, String entry) {
    assertThat(e.code()).isEqualTo(ManifestPolicy.REFUSED);
    assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
    assertThat(e.getMessage()).contains("'" + entry + "'").contains("nothing was written");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "postgresql.auto.conf",
        "recovery.signal",
        "standby.signal",
        "backup_manifest",
        "tablespace_map",
        "global/pg_control",
        "base/5/16999",
        "pg_tblspc/99999"
      })
  void aLinkWherePostgresqlPutsNoneIsRefused(String path) {
    FakeCluster c = FakeCluster.typical();
    c.base().put(path, FakeCluster.Node.link(victim.toString()));
    commit(c);

    assertManifestRefused(refused(request()), path);
  }

  @Test
  void aPgWalLinkIsRefusedUnlessTheOperatorAsksForAWalDirectory() throws IOException {
    FakeCluster c = FakeCluster.typical();
    c.base().remove("pg_wal/archive_status");
    c.base().put("pg_wal", FakeCluster.Node.link(outside.toString()));
    commit(c);
    assertManifestRefused(refused(request()), "pg_wal");

    Path walDir = tmp.resolve("wal");
    RestoreFixture.restorer(repo, tmp.resolve("home"))
        .restore(RestoreFixture.request(data, tmp.resolve("ts")).walDir(walDir).build(), p -> {});
    assertThat(Files.readSymbolicLink(data.resolve("pg_wal"))).isEqualTo(walDir);
    assertThat(walDir.resolve("archive_status")).isDirectory();
    assertThat(victim).hasContent("precious\n");
  }

  @Test
  void aLinkInsideATablespaceIsRefused() {
    FakeCluster c = FakeCluster.typical();
    c.tablespace().put("PG_17_202406281/5/evil", FakeCluster.Node.link("/etc"));
    commit(c);

    assertManifestRefused(refused(request()), "PG_17_202406281/5/evil");
  }

  @Test
  void anEntryBelowATablespaceLinkOrAFileIsRefused() {
    FakeCluster c = FakeCluster.typical();
    c.put("pg_tblspc/16385/PG_17_202406281/evil", "x".getBytes(StandardCharsets.US_ASCII));
    commit(c);
    assertManifestRefused(refused(request()), "pg_tblspc/16385/PG_17_202406281/evil");

    FakeCluster d = FakeCluster.typical();
    d.put("PG_VERSION/evil", "x".getBytes(StandardCharsets.US_ASCII));
    commit(d);
    assertManifestRefused(refused(request()), "PG_VERSION/evil");
  }

  @Test
  void aDirectoryWhereRestoreWritesAFileIsRefused() {
    FakeCluster c = FakeCluster.typical();
    c.base().put("recovery.signal", FakeCluster.Node.dir());
    commit(c);

    assertManifestRefused(refused(request()), "recovery.signal");
  }

  @Test
  void anEntryNamedLikeTheRestoreMarkerIsRefused() {
    FakeCluster c = FakeCluster.typical();
    c.put(IncompleteMarker.NAME, new byte[0]);
    commit(c);

    assertManifestRefused(refused(request()), IncompleteMarker.NAME);
  }

  /** Entries the manifest's own validation refuses when it is read: forged as raw JSON. */
  @ParameterizedTest
  @ValueSource(strings = {"../outside/victim.conf", "/etc/passwd", "base/../../x", "a\u0000b"})
  void pathsOutsideTheArchiveAreACorruptManifest(String path) {
    commit(FakeCluster.typical());
    forgeBaseEntry(e -> e.put("path", path));

    HardstorageException e = refused(request());
    assertThat(e.code()).isEqualTo("repo.corrupt");
    assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
    assertThat(e.getMessage()).contains("manifest");
    if (!path.contains("\u0000")) {
      assertThat(e.getMessage()).contains(path);
    }
  }

  @Test
  void twoEntriesForOnePathAreACorruptManifest() {
    commit(FakeCluster.typical());
    Forgery.editManifest(
        repo,
        DB1,
        id(1),
        m -> {
          ArrayNode files = baseFiles(m);
          files.add(files.get(0).deepCopy());
        });

    HardstorageException e = refused(request());
    assertThat(e.code()).isEqualTo("repo.corrupt");
    assertThat(e.getMessage()).contains("appears twice");
  }

  @Test
  void hugeLengthsAreACorruptManifest() {
    commit(FakeCluster.typical());
    forgeBaseEntry(
        e -> {
          if (e.path("chunks").size() > 0) {
            ((ObjectNode) e.path("chunks").get(0)).put("raw_length", Integer.MAX_VALUE);
            e.put("size", Long.MAX_VALUE);
          }
        });

    HardstorageException e = refused(request());
    assertThat(e.code()).isEqualTo("repo.corrupt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"home/.ssh", "home", "outside/.hidden", "/etc/cron.d", "/usr/lib/x"})
  void aRecordedTablespaceLocationInAProtectedPlaceIsNotUsedUnasked(String location) {
    String where = location.startsWith("/") ? location : tmp.resolve(location).toString();
    commit(FakeCluster.typical().withTablespaceLocation(where));
    RestoreRequest unmapped = RestoreRequest.builder(DB1, data, "cmd").sync(false).build();

    HardstorageException e = refused(unmapped);
    assertThat(e.code()).isEqualTo(RestoreErrors.TABLESPACE_LOCATION_REFUSED);
    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.getMessage()).contains(where);
    assertThat(e.suggestion()).hasValueSatisfying(s -> assertThat(s).contains("--tablespace-map"));
    assertThat(tmp.resolve("home")).doesNotExist();

    // the operator's own placement wins, and the preview names every directory written
    RestoreRequest mapped =
        RestoreRequest.builder(DB1, data, "cmd")
            .remapTablespace("16385", tmp.resolve("ts"))
            .sync(false)
            .build();
    RestorePreview p = RestoreFixture.restorer(repo, tmp.resolve("home")).preview(mapped);
    assertThat(p.directories())
        .containsExactly(
            new RestorePreview.Directory(data.toString(), "data directory"),
            new RestorePreview.Directory(
                tmp.resolve("ts").toString(), "tablespace 16385 (--tablespace-map)"));
  }

  @Test
  void aRecordedLocationThatIsNotNormalisedIsNotUsed() {
    commit(FakeCluster.typical().withTablespaceLocation("/srv/ts/../../etc"));
    RestoreRequest unmapped = RestoreRequest.builder(DB1, data, "cmd").sync(false).build();

    HardstorageException e = refused(unmapped);
    assertThat(e.code()).isEqualTo(RestoreErrors.TABLESPACE_LOCATION_REFUSED);
    assertThat(e.getMessage()).contains("normalised");
  }

  private void forgeBaseEntry(Consumer<ObjectNode> edit) {
    Forgery.editManifest(
        repo,
        DB1,
        id(1),
        m -> {
          ArrayNode files = baseFiles(m);
          for (int i = 0; i < files.size(); i++) {
            if (files.get(i).path("path").asText().equals("base/5/16384")) {
              edit.accept((ObjectNode) files.get(i));
            }
          }
        });
  }

  private static ArrayNode baseFiles(ObjectNode manifest) {
    for (var a : manifest.withArray("archives")) {
      if (a.path("kind").asText().equals("base")) {
        return (ArrayNode) a.get("files");
      }
    }
    throw new AssertionError("no base archive in " + manifest);
  }
}
