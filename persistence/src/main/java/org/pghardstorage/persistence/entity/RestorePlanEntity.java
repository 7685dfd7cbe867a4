package org.pghardstorage.persistence.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A restore plan as it was asked for and answered. */
@Entity
@Table(name = "restore_plan")
@NamedQuery(
    name = RestorePlanEntity.PAGE,
    query =
        "SELECT p FROM RestorePlanEntity p WHERE p.deployment = :deployment AND p.id < :before"
            + " ORDER BY p.id DESC")
public class RestorePlanEntity {
  /** Plans of {@code deployment} with an id below {@code before}, newest first. */
  public static final String PAGE = "RestorePlanEntity.page";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "deployment", nullable = false)
  private String deployment;

  @Column(name = "requested_by", nullable = false)
  private String requestedBy;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "request", nullable = false)
  private String request;

  @Column(name = "plan", nullable = false)
  private String plan;

  @Column(name = "ready", nullable = false)
  private boolean ready;

  protected RestorePlanEntity() {}

  public RestorePlanEntity(
      String deployment, String requestedBy, String request, String plan, boolean ready) {
    this.deployment = deployment;
    this.requestedBy = requestedBy;
    this.request = request;
    this.plan = plan;
    this.ready = ready;
    this.createdAt = OffsetDateTime.now();
  }

  public Long getId() {
    return id;
  }

  public String getDeployment() {
    return deployment;
  }

  public String getRequestedBy() {
    return requestedBy;
  }

  public OffsetDateTime getCreatedAt() {
    return createdAt;
  }

  public String getRequest() {
    return request;
  }

  public String getPlan() {
    return plan;
  }

  public boolean isReady() {
    return ready;
  }
}
