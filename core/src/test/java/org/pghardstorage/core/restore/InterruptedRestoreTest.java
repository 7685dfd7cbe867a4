package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** A restore that dies half way leaves a directory nobody can mistake for a complete one. */
class InterruptedRestoreTest {
  @TempDir Path tmp;

  @Test
  void aStorageFailureMidRestoreLeavesTheMarkerAndNoRecoverySignal() {
    MemoryObjectStore memory = new MemoryObjectStore("interrupted");
    try (Repository repo = RestoreFixture.init(memory)) {
      // Several MiB: more than one batch, so work is in flight on several threads.
      FakeCluster.typical().put("base/5/16500", FakeCluster.pages(9, 600, 0)).commit(repo, id(1));
    }
    FaultInjectingObjectStore faulty = new FaultInjectingObjectStore(memory);
    Path data = tmp.resolve("data");
    Path ts = tmp.resolve("ts");
    try (Repository repo = Repository.open(faulty, RestoreFixture.open())) {
      // Let a few pack reads through so the failure lands in the middle of the content.
      for (int call = 4; call < 1_000; call++) {
        faulty.failCall(
            StorageOperation.GET_RANGE, call, FaultInjectingObjectStore.unavailable("pack read"));
      }
      assertThatThrownBy(
              () ->
                  RestoreFixture.restorer(repo, tmp.resolve("home"))
                      .restore(RestoreFixture.request(data, ts).build(), p -> {}))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> assertThat(e.code()).isEqualTo("storage.unreachable"));
    }
    assertThat(data.resolve(IncompleteMarker.NAME)).exists();
    assertThat(ts.resolve(IncompleteMarker.NAME)).exists();
    assertThat(data.resolve("recovery.signal")).doesNotExist();
    assertThat(data.resolve("global/pg_control")).doesNotExist();

    try (Repository repo = Repository.open(memory, RestoreFixture.open())) {
      Restorer restorer = RestoreFixture.restorer(repo, tmp.resolve("home"));
      assertThatThrownBy(() -> restorer.restore(RestoreFixture.request(data, ts).build(), p -> {}))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RestoreErrors.TARGET_NOT_EMPTY);
                assertThat(e.getMessage()).contains("holds an interrupted restore");
              });
      restorer.restore(RestoreFixture.request(data, ts).force(true).build(), p -> {});
    }
    assertThat(data.resolve(IncompleteMarker.NAME)).doesNotExist();
    assertThat(ts.resolve(IncompleteMarker.NAME)).doesNotExist();
    assertThat(data.resolve("recovery.signal")).exists();
    assertThat(data.resolve("global/pg_control")).exists();
  }
}
