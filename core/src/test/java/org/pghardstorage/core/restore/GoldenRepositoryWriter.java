package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;
import org.pghardstorage.core.verify.Verifier;
import org.pghardstorage.core.verify.VerifyRequest;

/**
 * Writes the golden repositories of format 1 ({@code core/src/test/resources/golden/format-1}) and
 * the {@link GoldenListing} of each. Not a test and not run by the build: the repositories are
 * written once, committed, and read by {@link GoldenRepositoryTest} of every later version. It
 * refuses to overwrite an existing one; replacing a golden repository discards the proof that older
 * repositories still restore, so a later format adds a directory beside this one instead.
 *
 * <pre>
 * ./mvnw -B -ntp -q -pl core test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/test.classpath) \
 *     org.pghardstorage.core.restore.GoldenRepositoryWriter core/src/test/resources/golden/format-1
 * </pre>
 */
public final class GoldenRepositoryWriter {
  /** The passphrase of the encrypted golden repository (also in its README). */
  static final String PASSPHRASE = "golden repository format 1";

  static final BackupId FIRST = BackupId.parse("20261130T190600Z-golden");
  static final BackupId SECOND = BackupId.parse("20261201T190600Z-golden");

  /** Timeline 2 branched off timeline 1 at 0/24020A0, inside segment 0x24. */
  static final String HISTORY = "1\t0/24020A0\tno recovery target specified\n";

  /** What the partial segment 0x24 of timeline 1 holds: its WAL up to the branch point. */
  static final int PARTIAL_LENGTH = 0x20A0;

  /** The two golden repositories: a directory name and whether it is encrypted. */
  enum Variant {
    NONE("none", false),
    AES_256_GCM("aes-256-gcm", true);

    final String directory;
    final boolean encrypted;

    Variant(String directory, boolean encrypted) {
      this.directory = directory;
      this.encrypted = encrypted;
    }

    /** How a reader opens it. */
    OpenOptions openOptions() {
      OpenOptions open = RestoreFixture.open();
      return encrypted ? open.withPassphrase(PASSPHRASE.toCharArray()) : open;
    }
  }

  private GoldenRepositoryWriter() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: GoldenRepositoryWriter <output directory>");
    }
    Path out = Path.of(args[0]).toAbsolutePath();
    for (Variant v : Variant.values()) {
      Path dir = out.resolve(v.directory);
      write(dir, v);
      System.out.printf("%s: %d bytes%n", dir, size(dir.resolve("repository")));
    }
  }

  private static void write(Path dir, Variant variant) throws IOException {
    Path root = dir.resolve("repository");
    if (Files.exists(root)) {
      throw new IllegalStateException(
          root
              + " exists: golden repositories are written once; a new format gets a new directory");
    }
    Files.createDirectories(root);
    RepositoryOptions options = FakeCluster.smallRepository();
    if (variant.encrypted) {
      // Tiny Argon2id costs keep every test that opens it fast; the format stores them anyway.
      options =
          options.withPassphrase(
              PASSPHRASE.toCharArray(), Argon2idParams.withCost(1024, 2, 2, new SecureRandom()));
    }
    Map<BackupId, List<GoldenListing.Entry>> backups = new LinkedHashMap<>();
    List<GoldenListing.WalFile> wal;
    try (Repository repo =
        Repository.init(new FileSystemObjectStore(root), options, variant.openOptions())) {
      FakeCluster first = FakeCluster.typical();
      backups.put(FIRST, entries(first, first.commit(repo, FIRST)));
      FakeCluster second = second();
      backups.put(SECOND, entries(second, second.commit(repo, SECOND)));
      wal = archiveWal(repo.wal(FakeCluster.DB1));
      for (BackupId id : backups.keySet()) {
        new Verifier(repo)
            .verify(VerifyRequest.of(FakeCluster.DB1, BackupSelector.of(id)), p -> {})
            .requireOk();
      }
    }
    List<String> absent =
        List.of(
            segment(1, 0x25), // after the branch point of timeline 2 and the newest of timeline 1
            segment(2, 0x25), // past the newest segment of timeline 2
            "00000001.history", // timeline 1 never has one
            "00000003.history"); // no timeline 3
    GoldenListing listing = new GoldenListing(FakeCluster.SEGMENT_SIZE, backups, wal, absent);
    Files.writeString(dir.resolve("expected.txt"), listing.format(), StandardCharsets.UTF_8);
  }

  /**
   * The cluster a day later: WAL of segments 0x22-0x23, one page of a relation changed, a new
   * relation and a new commit log page. Most chunks are the first backup's: dedup across backups.
   */
  static FakeCluster second() {
    FakeCluster c = FakeCluster.typical().withWal("0/2200028", "0/2300100", 1);
    c.put(
        "backup_label",
        ("START WAL LOCATION: 0/2200028 (file 000000010000000000000022)\n"
                + "CHECKPOINT LOCATION: 0/2200060\n")
            .getBytes(StandardCharsets.US_ASCII));
    byte[] rel = c.base().get("base/5/16384").content().clone();
    System.arraycopy(FakeCluster.pages(55, 1, 0), 0, rel, 3 * 8192, 8192);
    c.put("base/5/16384", rel);
    c.put("base/5/16410", FakeCluster.pages(8, 4, 0));
    c.put("pg_xact/0000", FakeCluster.pages(9, 1, 0));
    return c;
  }

  /** Timeline 1: 0x20-0x23 and a partial 0x24; timeline 2 from 0/24020A0: its history and 0x24. */
  private static List<GoldenListing.WalFile> archiveWal(WalArchive archive) {
    List<GoldenListing.WalFile> out = new ArrayList<>();
    for (long n = 0x20; n <= 0x23; n++) {
      byte[] content = FakeCluster.walSegment(1, n);
      archive.putSegment(segment(1, n), content);
      out.add(GoldenListing.WalFile.of(segment(1, n), "complete", content));
    }
    byte[] partial = Arrays.copyOf(FakeCluster.walSegment(1, 0x24), PARTIAL_LENGTH);
    archive.putPartial(segment(1, 0x24), partial);
    out.add(GoldenListing.WalFile.of(segment(1, 0x24), "partial", partial));
    byte[] history = HISTORY.getBytes(StandardCharsets.US_ASCII);
    archive.putHistory(2, history);
    out.add(GoldenListing.WalFile.of("00000002.history", "history", history));
    byte[] content = FakeCluster.walSegment(2, 0x24);
    archive.putSegment(segment(2, 0x24), content);
    out.add(GoldenListing.WalFile.of(segment(2, 0x24), "complete", content));
    return out;
  }

  /** Every path a restore of the committed cluster writes, from the cluster itself. */
  private static List<GoldenListing.Entry> entries(
      FakeCluster cluster, FakeCluster.Committed committed) {
    List<GoldenListing.Entry> out = new ArrayList<>();
    add(out, GoldenListing.DATA, cluster.base());
    add(out, Long.toString(FakeCluster.TS_OID), cluster.tablespace());
    // PostgreSQL's manifest, which the restore writes itself (mode 0600, time of the restore).
    out.add(
        GoldenListing.Entry.file(
            GoldenListing.DATA,
            Restorer.POSTGRES_MANIFEST,
            0600,
            null,
            committed.postgresManifest()));
    return out;
  }

  private static void add(
      List<GoldenListing.Entry> out, String root, Map<String, FakeCluster.Node> tree) {
    tree.forEach(
        (path, n) ->
            out.add(
                switch (n.type()) {
                  case FILE ->
                      GoldenListing.Entry.file(root, path, n.mode(), n.mtime(), n.content());
                  case DIR -> GoldenListing.Entry.dir(root, path, n.mode(), n.mtime());
                  // The restore points tablespace links where it was asked to put them.
                  case SYMLINK ->
                      GoldenListing.Entry.symlink(
                          root,
                          path,
                          path.equals("pg_tblspc/" + FakeCluster.TS_OID)
                              ? GoldenListing.TABLESPACE_TARGET + FakeCluster.TS_OID
                              : n.link());
                }));
  }

  static String segment(long timeline, long segment) {
    return WalSegmentName.of(
            TimelineId.of(timeline), segment, WalSegmentSize.ofBytes(FakeCluster.SEGMENT_SIZE))
        .toString();
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
