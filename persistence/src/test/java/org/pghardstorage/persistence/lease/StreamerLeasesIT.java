package org.pghardstorage.persistence.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.persistence.migration.CatalogueMigrations;
import org.postgresql.ds.PGSimpleDataSource;

/** Two server instances sharing one catalogue never both hold a deployment's streamer lease. */
class StreamerLeasesIT {
  private static PgCluster pg;
  private static PGSimpleDataSource ds;

  @BeforeAll
  static void start() {
    pg = PgCluster.builder(18).start();
    pg.execute("postgres", "CREATE DATABASE catalogue");
    ds = new PGSimpleDataSource();
    ds.setUrl(pg.jdbcUrl("catalogue"));
    ds.setUser("postgres");
    ds.setPassword(pg.password());
    CatalogueMigrations.migrate(ds, StreamerLeasesIT.class.getClassLoader());
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void onlyOneInstanceHoldsALiveLeaseAndItRenews() {
    StreamerLeases a = new StreamerLeases(ds, "server-a");
    StreamerLeases b = new StreamerLeases(ds, "server-b");

    assertThat(a.acquire("db1", Duration.ofMinutes(5))).isTrue();
    assertThat(b.acquire("db1", Duration.ofMinutes(5))).isFalse();
    assertThat(a.acquire("db1", Duration.ofMinutes(5))).as("renewal").isTrue();
    assertThat(b.acquire("db2", Duration.ofMinutes(5))).as("another deployment").isTrue();

    assertThat(a.holder("db1")).hasValue("server-a");
    assertThat(b.holder("db2")).hasValue("server-b");
  }

  @Test
  void anExpiredLeaseIsTakenOverAndAReleasedOneIsFree() {
    StreamerLeases a = new StreamerLeases(ds, "server-a");
    StreamerLeases b = new StreamerLeases(ds, "server-b");
    assertThat(a.acquire("db3", Duration.ofMinutes(5))).isTrue();
    pg.execute(
        "catalogue",
        "UPDATE streamer_lease SET expires_at = now() - interval '1 second'"
            + " WHERE deployment = 'db3'");

    assertThat(a.holder("db3")).isEmpty();
    assertThat(b.acquire("db3", Duration.ofMinutes(5))).isTrue();
    assertThat(a.acquire("db3", Duration.ofMinutes(5))).isFalse();

    a.release("db3");
    assertThat(b.holder("db3")).as("a cannot release b's lease").hasValue("server-b");
    b.release("db3");
    assertThat(a.acquire("db3", Duration.ofMinutes(5))).isTrue();
  }
}
