package org.pghardstorage.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pghardstorage.devstack.PgCluster;

/** Preflight refuses a server that cannot feed a streamer, with exit 4 and the fix. */
class WalPreflightIT {

  @Test
  void aServerWithoutReplicationIsRefusedWithTheFix() {
    try (PgCluster pg =
        PgCluster.builder(16)
            .setting("wal_level", "minimal")
            .setting("max_wal_senders", "0")
            .start()) {
      Cli.Result r = Cli.run("wal", "preflight", "db1", "--pg-connection", pg.connInfo("postgres"));

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
      assertThat(r.error().path("code").asText()).isEqualTo("preflight.failed");
      assertThat(r.error().path("suggestion").asText())
          .contains("max_wal_senders")
          .contains("wal_level");
    }
  }

  @Test
  void settingsThatCanInvalidateTheSlotAreWarnings() {
    try (PgCluster pg =
        PgCluster.builder(18)
            .setting("max_slot_wal_keep_size", "'1GB'")
            .setting("idle_replication_slot_timeout", "'1h'")
            .start()) {
      Cli.Result r = Cli.run("wal", "preflight", "db1", "--pg-connection", pg.connInfo("postgres"));

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.result().path("checks").toString())
          .contains("\"name\":\"max_slot_wal_keep_size\",\"status\":\"WARN\"")
          .contains("\"name\":\"idle_replication_slot_timeout\",\"status\":\"WARN\"");
    }
  }
}
