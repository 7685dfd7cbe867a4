package org.pghardstorage.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.wal.WalFixtures.DB;
import static org.pghardstorage.core.wal.WalFixtures.segment;

import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalFixtures;

/**
 * The summary names every WAL gap, and apart the ones the newest backup needs: {@code doctor}
 * judges the two differently.
 */
class SummarizerTest {
  private final Repository repo = WalFixtures.repository(new MemoryObjectStore("summary"));
  private final WalArchive archive = repo.wal(DB);

  private void backup(String id, String start, String end) {
    FakeCluster.typical().withWal(start, end, 1).commit(repo, BackupId.parse(id));
  }

  private void complete(long from, long to) {
    for (long n = from; n <= to; n++) {
      archive.putSegment(segment(1, n), new byte[] {(byte) n});
    }
  }

  private DeploymentSummary summary() {
    return new Summarizer(repo, Clock.fixed(WalFixtures.T0, ZoneOffset.UTC)).summarize(DB);
  }

  @Test
  void aGapBetweenBackupsIsNotOneTheNewestBackupNeeds() {
    backup("20261130T100000Z-aaaaaa", FakeCluster.START_LSN, FakeCluster.END_LSN);
    complete(0x20, 0x21);
    backup("20261130T110000Z-bbbbbb", "0/2400028", "0/2500100");
    complete(0x24, 0x25);

    DeploymentSummary s = summary();

    assertThat(s.backups()).isEqualTo(2);
    assertThat(s.walGaps())
        .containsExactly("1:" + segment(1, 0x22) + ".." + segment(1, 0x23) + " missing");
    assertThat(s.walGapsNewestBackupNeeds()).isEmpty();
  }

  @Test
  void aGapAfterTheNewestBackupsStartIsOneItNeeds() {
    backup("20261130T100000Z-aaaaaa", FakeCluster.START_LSN, FakeCluster.END_LSN);
    complete(0x20, 0x21);
    complete(0x24, 0x25);

    DeploymentSummary s = summary();

    assertThat(s.walGaps()).hasSize(1);
    assertThat(s.walGapsNewestBackupNeeds()).isEqualTo(s.walGaps());
  }
}
