package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.restore.BackupChooser;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.retention.GfsPolicy;
import org.pghardstorage.core.retention.Rotator;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalFixtures;

/**
 * Asking for a deployment without backups is answered with the deployments the repository holds,
 * never with a command that fails again for the same unknown name.
 */
class DeploymentHintsTest {
  private final Repository repo = WalFixtures.repository(new MemoryObjectStore("hints"));
  private final Deployment db2 = Deployment.of("db2");

  private void backupOfDb1() {
    FakeCluster.typical().commit(repo, BackupId.parse("20261130T100000Z-aaaaaa"));
  }

  @Test
  void restoringAnUnknownDeploymentNamesTheKnownOnes() {
    backupOfDb1();
    assertThatThrownBy(() -> new BackupChooser(repo).chooseId(db2, BackupSelector.latest()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e ->
                assertThat(e.suggestion().orElseThrow())
                    .isEqualTo("check the name: the deployments in " + repo.describe() + " are db1")
                    .doesNotContain("pg_hardstorage list"));
  }

  @Test
  void aBackupIdOfAnUnknownDeploymentNamesTheKnownOnes() {
    backupOfDb1();
    BackupSelector id = BackupSelector.parse("20261130T100000Z-aaaaaa");
    assertThatThrownBy(() -> new BackupChooser(repo).choose(db2, id))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.suggestion().orElseThrow()).endsWith(" are db1"));
    BackupSelector other = BackupSelector.parse("20261130T120000Z-cccccc");
    assertThatThrownBy(() -> new BackupChooser(repo).choose(Deployment.of("db1"), other))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e ->
                assertThat(e.suggestion().orElseThrow())
                    .isEqualTo(
                        "list the backups with: pg_hardstorage list db1 --repo "
                            + repo.describe()));
  }

  @Test
  void rotatingAnUnknownDeploymentNamesTheKnownOnes() {
    backupOfDb1();
    assertThatThrownBy(
            () -> new Rotator(repo, Clock.systemUTC()).plan(db2, new GfsPolicy(0, 7, 0, 0, 0)))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.suggestion().orElseThrow()).endsWith(" are db1"));
  }

  @Test
  void aDeploymentWithWalButNoBackupIsToldToTakeOne() {
    repo.wal(db2).putSegment(WalFixtures.segment(1, 0x20), new byte[] {1});
    assertThat(DeploymentHints.noBackups(db2, repo))
        .isEqualTo(
            "deployment db2 has WAL but no backup yet: take one with pg_hardstorage backup db2");
  }

  @Test
  void anEmptyRepositorySaysSo() {
    assertThat(DeploymentHints.noBackups(db2, repo))
        .startsWith(repo.describe() + " holds no deployment yet");
  }
}
