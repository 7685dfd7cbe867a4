package org.pghardstorage.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.core.restore.Restorer;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.verify.Verifier;
import org.pghardstorage.core.verify.VerifyReport;
import org.pghardstorage.core.verify.VerifyRequest;

/**
 * Fake clusters backed up with the real writer, one relation file of their own each (so deleting a
 * backup frees packs), with the WAL they need; and the checks that a kept backup still verifies and
 * restores.
 */
final class RotationFixture {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
  static final int SEGMENT = FakeCluster.SEGMENT_SIZE;

  /** A backup's own relation file. */
  private record Own(String path, byte[] content) {}

  /** Each backup's own relation file, to compare restores with. */
  private final Map<BackupId, Own> own = new LinkedHashMap<>();

  static OpenOptions open() {
    return OpenOptions.defaults().withUploads(2, 1).withIndexFlushEvery(3);
  }

  static Repository init(ObjectStore store) {
    return Repository.init(store, FakeCluster.smallRepository(), open());
  }

  /** The LSN {@code offset} bytes into segment {@code segment}, as text. */
  static String lsn(long segment, long offset) {
    long v = segment * SEGMENT + offset;
    return String.format("%X/%X", v >>> 32, v & 0xFFFFFFFFL);
  }

  static String segment(long tli, long segment) {
    return WalSegmentName.of(TimelineId.of(tli), segment, WalSegmentSize.ofBytes(SEGMENT))
        .toString();
  }

  /**
   * Commits backup {@code n} started at {@code time} (ISO instant), whose WAL runs through segments
   * {@code start} and {@code start + 1} of {@code tli}. Archives no WAL.
   */
  BackupId backup(Repository repo, int n, String time, long start, long tli) {
    BackupId id = GfsPolicyTest.at(time);
    Own file = new Own("base/5/" + (30000 + n), FakeCluster.pages(500 + n, 24, 0));
    own.put(id, file);
    FakeCluster.typical()
        .put(file.path(), file.content())
        .withWal(lsn(start, 0x28), lsn(start + 1, 0x100), tli)
        .commit(repo, id);
    return id;
  }

  /** Four backups an hour apart on timeline 1, WAL 0x10..0x18 complete and 0x19 partial. */
  Map<String, BackupId> fourHourly(Repository repo) {
    Map<String, BackupId> ids = new LinkedHashMap<>();
    for (int n = 1; n <= 4; n++) {
      ids.put("b" + n, backup(repo, n, "2026-11-30T1" + n + ":00:00Z", 0x0E + 2L * n, 1));
    }
    FakeCluster.archiveWal(repo, 1, 0x10, 0x18);
    repo.wal(FakeCluster.DB1)
        .putPartial(segment(1, 0x19), "partial".getBytes(StandardCharsets.US_ASCII));
    return ids;
  }

  /** Verifies {@code id} and asserts that it passes. */
  static void assertVerifies(Repository repo, BackupId id) {
    VerifyReport r =
        new Verifier(repo)
            .verify(new VerifyRequest(FakeCluster.DB1, BackupSelector.of(id), 2), p -> {});
    assertThat(r.problems()).as("verify %s", id).isEmpty();
  }

  /** Restores {@code id} under {@code dir} and compares its own relation file. */
  void assertRestores(Repository repo, BackupId id, Path dir) {
    Path data = dir.resolve("data");
    new Restorer(repo)
        .restore(
            RestoreRequest.builder(FakeCluster.DB1, data, "/bin/false %f %p")
                .backup(BackupSelector.of(id))
                .remapTablespace(Long.toString(FakeCluster.TS_OID), dir.resolve("ts"))
                .sync(false)
                .build(),
            p -> {});
    Own file = own.get(id);
    try {
      assertThat(Files.readAllBytes(data.resolve(file.path()))).isEqualTo(file.content());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
