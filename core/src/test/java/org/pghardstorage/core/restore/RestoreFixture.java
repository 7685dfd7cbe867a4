package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.storage.ObjectStore;

/** Shared setup of the restore tests. */
final class RestoreFixture {
  static final String RESTORE_COMMAND = "/opt/pghs/bin/pg_hardstorage wal fetch db1 %f %p";

  private RestoreFixture() {}

  static BackupId id(int n) {
    return BackupId.parse(String.format("20261130T1906%02dZ-aaaaa%c", n % 60, (char) ('a' + n)));
  }

  static OpenOptions open() {
    return OpenOptions.defaults().withUploads(2, 1);
  }

  static Repository init(ObjectStore store) {
    return Repository.init(store, FakeCluster.smallRepository(), open());
  }

  /** A restorer whose protected home directory is {@code home}. */
  static Restorer restorer(Repository repo, Path home) {
    return new Restorer(repo, guard(repo, home), Clock.systemUTC());
  }

  /** A guard whose only home directory is {@code home}, protecting the repository's directory. */
  static TargetGuard guard(Repository repo, Path home) {
    return new TargetGuard(new ProtectedPaths(List.of(home), repo.localDirectory()));
  }

  /**
   * A key file name for restore_command; the tests that are not about recovery access do not check
   * who can read it.
   */
  static final RecoveryKey KEY = new RecoveryKey.PassphraseFile(Path.of("/etc/pghs-test/key"));

  /**
   * A request into {@code target}, tablespace into {@code tablespaceDir}, no fsync; restore_command
   * would get {@link #KEY}, and PostgreSQL's access to it is not checked.
   */
  static RestoreRequest.Builder request(Path target, Path tablespaceDir) {
    return RestoreRequest.builder(FakeCluster.DB1, target, RESTORE_COMMAND)
        .recoveryKey(KEY)
        .checkRecoveryAccess(false)
        .remapTablespace(Long.toString(FakeCluster.TS_OID), tablespaceDir)
        .parallelism(3)
        .sync(false);
  }
}
