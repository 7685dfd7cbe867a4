package org.pghardstorage.ejb.system;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.pghardstorage.persistence.migration.CatalogueMigrations;

/**
 * Migrates the catalogue to the newest schema when the application starts, before anything uses it.
 * A failed migration fails the deployment: running on a half-migrated catalogue would be worse.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class CatalogueStartup {
  private static final Logger LOG = Logger.getLogger(CatalogueStartup.class.getName());

  @Resource(lookup = "jdbc/pghs")
  private DataSource catalogue;

  private volatile String schemaVersion = "unknown";

  @PostConstruct
  void migrate() {
    schemaVersion =
        CatalogueMigrations.migrate(catalogue, CatalogueMigrations.class.getClassLoader());
    LOG.log(Level.INFO, "pg_hardstorage catalogue at schema version {0}", schemaVersion);
  }

  /** The schema version the catalogue was migrated to at start-up. */
  public String schemaVersion() {
    return schemaVersion;
  }
}
