package org.pghardstorage.persistence.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * An API token for a machine client (an ITSM system): stored as the SHA-256 of the token only, so
 * the catalogue never holds a usable credential; it carries one role.
 */
@Entity
@Table(name = "api_token")
@NamedQuery(
    name = ApiTokenEntity.BY_HASH,
    query = "SELECT t FROM ApiTokenEntity t WHERE t.tokenSha256 = :hash AND t.revokedAt IS NULL")
@NamedQuery(name = ApiTokenEntity.ALL, query = "SELECT t FROM ApiTokenEntity t ORDER BY t.name")
public class ApiTokenEntity {
  /** A live token by the hex SHA-256 of its secret; parameter {@code hash}. */
  public static final String BY_HASH = "ApiTokenEntity.byHash";

  /** Every token by name. */
  public static final String ALL = "ApiTokenEntity.all";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "name", nullable = false, unique = true)
  private String name;

  @Column(name = "token_sha256", nullable = false, unique = true)
  private String tokenSha256;

  @Column(name = "role", nullable = false)
  private String role;

  @Column(name = "created_by", nullable = false)
  private String createdBy;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "last_used_at")
  private OffsetDateTime lastUsedAt;

  @Column(name = "revoked_at")
  private OffsetDateTime revokedAt;

  protected ApiTokenEntity() {}

  public ApiTokenEntity(String name, String tokenSha256, String role, String createdBy) {
    this.name = name;
    this.tokenSha256 = tokenSha256;
    this.role = role;
    this.createdBy = createdBy;
    this.createdAt = OffsetDateTime.now();
  }

  /** Marks a use of the token. */
  public void used() {
    this.lastUsedAt = OffsetDateTime.now();
  }

  /** Revokes the token. */
  public void revoke() {
    this.revokedAt = OffsetDateTime.now();
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getRole() {
    return role;
  }

  public String getCreatedBy() {
    return createdBy;
  }

  public OffsetDateTime getCreatedAt() {
    return createdAt;
  }

  public OffsetDateTime getLastUsedAt() {
    return lastUsedAt;
  }

  public OffsetDateTime getRevokedAt() {
    return revokedAt;
  }
}
