package org.pghardstorage.persistence.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;

/**
 * A protected database: how to reach it (conninfo without password, plus a reference to where the
 * password lives) and which repository holds its backups and WAL.
 */
@Entity
@Table(name = "deployment")
public class DeploymentEntity {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "name", nullable = false, unique = true)
  private String name;

  @Column(name = "conninfo", nullable = false)
  private String conninfo;

  @Column(name = "password_ref")
  private String passwordRef;

  @Column(name = "repository_url", nullable = false)
  private String repositoryUrl;

  @Column(name = "slot_name", nullable = false)
  private String slotName;

  @Column(name = "kek_ref")
  private String kekRef;

  @Column(name = "streaming", nullable = false)
  private boolean streaming = true;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt;

  @Version
  @Column(name = "version", nullable = false)
  private long version;

  protected DeploymentEntity() {}

  public DeploymentEntity(String name, String conninfo, String repositoryUrl, String slotName) {
    this.name = name;
    this.conninfo = conninfo;
    this.repositoryUrl = repositoryUrl;
    this.slotName = slotName;
    this.createdAt = OffsetDateTime.now();
    this.updatedAt = createdAt;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getConninfo() {
    return conninfo;
  }

  public void setConninfo(String conninfo) {
    this.conninfo = conninfo;
    touch();
  }

  public String getPasswordRef() {
    return passwordRef;
  }

  public void setPasswordRef(String passwordRef) {
    this.passwordRef = passwordRef;
    touch();
  }

  public String getRepositoryUrl() {
    return repositoryUrl;
  }

  public String getSlotName() {
    return slotName;
  }

  public String getKekRef() {
    return kekRef;
  }

  public boolean isStreaming() {
    return streaming;
  }

  public OffsetDateTime getCreatedAt() {
    return createdAt;
  }

  public OffsetDateTime getUpdatedAt() {
    return updatedAt;
  }

  private void touch() {
    updatedAt = OffsetDateTime.now();
  }
}
