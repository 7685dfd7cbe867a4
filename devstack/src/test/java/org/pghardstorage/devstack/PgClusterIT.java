package org.pghardstorage.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every supported major starts, answers a query over SCRAM, and leaves nothing behind. */
class PgClusterIT {

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {15, 16, 17, 18})
  void startsQueriesAndStops(int major) {
    PgCluster cluster = PgCluster.builder(major).start();
    long pid;
    try {
      assertThat(cluster.queryValue("postgres", "SHOW server_version_num"))
          .startsWith(String.valueOf(major));
      assertThat(cluster.queryValue("postgres", "SELECT current_setting('wal_level')"))
          .isEqualTo("replica");
      assertThat(
              cluster.queryValue(
                  "postgres",
                  "SELECT rolreplication FROM pg_roles" + " WHERE rolname = 'postgres'"))
          .isEqualTo("t");
      pid = cluster.pid().orElseThrow();
      assertThat(ProcessHandle.of(pid)).isPresent();
    } finally {
      cluster.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
    assertThat(Files.exists(cluster.dataDir())).isFalse();
  }
}
