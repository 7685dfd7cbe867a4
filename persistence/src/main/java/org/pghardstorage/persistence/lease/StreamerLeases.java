package org.pghardstorage.persistence.lease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Leases in the catalogue that decide which server instance streams a deployment's slot. Taking,
 * renewing and releasing are single statements, so two instances racing for one lease cannot both
 * win: the row is taken over only when its owner is this instance or it has expired.
 */
public final class StreamerLeases {
  private static final String ACQUIRE =
      "INSERT INTO streamer_lease (deployment, owner, expires_at)"
          + " VALUES (?, ?, now() + make_interval(secs => ?))"
          + " ON CONFLICT (deployment) DO UPDATE SET owner = EXCLUDED.owner,"
          + " expires_at = EXCLUDED.expires_at,"
          + " acquired_at = CASE WHEN streamer_lease.owner = EXCLUDED.owner"
          + " THEN streamer_lease.acquired_at ELSE now() END"
          + " WHERE streamer_lease.owner = EXCLUDED.owner OR streamer_lease.expires_at < now()"
          + " RETURNING owner";

  private final DataSource catalogue;
  private final String owner;

  /**
   * Leases held by {@code owner}.
   *
   * @param owner this server instance, unique per start (a restarted instance is a new owner that
   *     waits for its old leases to expire, so a hung old process cannot stream alongside it)
   */
  public StreamerLeases(DataSource catalogue, String owner) {
    this.catalogue = catalogue;
    this.owner = owner;
  }

  /** This instance's owner name. */
  public String owner() {
    return owner;
  }

  /** Takes or renews the lease for {@code ttl}; false if another live instance holds it. */
  public boolean acquire(String deployment, Duration ttl) {
    try (Connection c = catalogue.getConnection();
        PreparedStatement s = c.prepareStatement(ACQUIRE)) {
      s.setString(1, deployment);
      s.setString(2, owner);
      s.setDouble(3, ttl.toMillis() / 1000.0);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot take the streamer lease of " + deployment + ": " + e.getMessage(), e);
    }
  }

  /** Gives the lease up, if this instance holds it. */
  public void release(String deployment) {
    try (Connection c = catalogue.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM streamer_lease WHERE deployment = ? AND owner = ?")) {
      s.setString(1, deployment);
      s.setString(2, owner);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot release the streamer lease of " + deployment + ": " + e.getMessage(), e);
    }
  }

  /** Who holds the lease of {@code deployment} now, if anyone live does. */
  public Optional<String> holder(String deployment) {
    try (Connection c = catalogue.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT owner FROM streamer_lease WHERE deployment = ? AND expires_at >= now()")) {
      s.setString(1, deployment);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the streamer lease of " + deployment + ": " + e.getMessage(), e);
    }
  }
}
