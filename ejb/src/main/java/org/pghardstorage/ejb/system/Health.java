package org.pghardstorage.ejb.system;

/**
 * What the server knows about its own health.
 *
 * @param status {@code UP} when the catalogue answers, else {@code DOWN}
 * @param version the product version
 * @param server the application server's name and version
 * @param catalogue the catalogue database's state
 */
public record Health(String status, String version, String server, Catalogue catalogue) {
  /**
   * The catalogue database.
   *
   * @param status {@code UP} or {@code DOWN}
   * @param database the PostgreSQL version string, when reachable
   * @param schemaVersion the catalogue schema version
   * @param error why it is down, when it is
   */
  public record Catalogue(String status, String database, String schemaVersion, String error) {}
}
