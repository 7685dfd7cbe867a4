package org.pghardstorage.persistence.migration;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a catalogue database to the newest schema version with the Flyway migrations under {@code
 * db/migration}. Safe to call on every start: applied migrations are skipped, and a checksum
 * mismatch (an edited, already applied migration) stops the start with Flyway's message.
 */
public final class CatalogueMigrations {
  /** Where the SQL migrations live on the class path. */
  public static final String LOCATION = "classpath:db/migration";

  private CatalogueMigrations() {}

  /**
   * Migrates {@code dataSource} and returns the schema version it is at afterwards.
   *
   * @param dataSource the catalogue database
   * @param loader a class loader that sees this module's resources
   */
  public static String migrate(DataSource dataSource, ClassLoader loader) {
    Flyway flyway =
        Flyway.configure(loader)
            .dataSource(dataSource)
            .locations(LOCATION)
            .table("catalogue_schema_history")
            .baselineOnMigrate(false)
            .load();
    MigrateResult result = flyway.migrate();
    return result.targetSchemaVersion != null
        ? result.targetSchemaVersion
        : flyway.info().current().getVersion().getVersion();
  }
}
