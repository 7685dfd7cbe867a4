package org.pghardstorage.persistence.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pghardstorage.devstack.PgCluster;
import org.postgresql.ds.PGSimpleDataSource;

/** The migrations build the catalogue on a real PostgreSQL and are idempotent. */
class CatalogueMigrationsIT {
  private static PgCluster pg;

  @BeforeAll
  static void start() {
    pg = PgCluster.builder(18).start();
    pg.execute("postgres", "CREATE DATABASE catalogue");
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void migratesAnEmptyDatabaseAndIsIdempotent() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(pg.jdbcUrl("catalogue"));
    ds.setUser("postgres");
    ds.setPassword(pg.password());

    String first = CatalogueMigrations.migrate(ds, getClass().getClassLoader());
    String second = CatalogueMigrations.migrate(ds, getClass().getClassLoader());

    assertThat(first).isEqualTo("3");
    assertThat(second).isEqualTo(first);
    assertThat(
            pg.queryValue(
                "catalogue",
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN"
                    + " ('deployment', 'event', 'backup', 'job_run', 'streamer_lease', 'api_token',"
                    + " 'schedule_mark', 'restore_plan')"))
        .isEqualTo("8");
    assertThat(
            pg.queryValue(
                "catalogue", "SELECT count(*) FROM catalogue_schema_history WHERE success"))
        .isEqualTo("3");
  }
}
