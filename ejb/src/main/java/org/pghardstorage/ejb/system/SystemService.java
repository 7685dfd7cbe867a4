package org.pghardstorage.ejb.system;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.pghardstorage.core.Version;

/** Health of the server and its catalogue. */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SystemService {
  @Resource(lookup = "jdbc/pghs")
  private DataSource catalogue;

  @EJB private CatalogueStartup startup;

  /** Checks the catalogue with a round trip; never throws. */
  public Health health(String serverInfo) {
    Health.Catalogue db;
    try (Connection c = catalogue.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      db =
          new Health.Catalogue(
              "UP", "PostgreSQL " + rs.getString(1), startup.schemaVersion(), null);
    } catch (SQLException e) {
      db = new Health.Catalogue("DOWN", null, startup.schemaVersion(), e.getMessage());
    }
    return new Health(db.status(), Version.current(), serverInfo, db);
  }
}
