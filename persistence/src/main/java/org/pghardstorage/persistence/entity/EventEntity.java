package org.pghardstorage.persistence.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One entry of the event and audit trail: what happened, to which deployment, and who did it. */
@Entity
@Table(name = "event")
@NamedQuery(
    name = EventEntity.RECENT,
    query = "SELECT e FROM EventEntity e ORDER BY e.occurredAt DESC, e.id DESC")
@NamedQuery(
    name = EventEntity.PAGE,
    query =
        "SELECT e FROM EventEntity e WHERE e.deployment = :deployment AND e.id < :before"
            + " ORDER BY e.id DESC")
@NamedQuery(
    name = EventEntity.PAGE_ALL,
    query = "SELECT e FROM EventEntity e WHERE e.id < :before ORDER BY e.id DESC")
public class EventEntity {
  /** Newest first. */
  public static final String RECENT = "EventEntity.recent";

  /** Events of {@code deployment} with an id below {@code before}, newest first. */
  public static final String PAGE = "EventEntity.page";

  /** Events with an id below {@code before}, newest first. */
  public static final String PAGE_ALL = "EventEntity.pageAll";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "occurred_at", nullable = false)
  private OffsetDateTime occurredAt;

  @Column(name = "deployment")
  private String deployment;

  @Column(name = "kind", nullable = false)
  private String kind;

  @Column(name = "severity", nullable = false)
  private String severity;

  @Column(name = "actor", nullable = false)
  private String actor;

  @Column(name = "message", nullable = false)
  private String message;

  protected EventEntity() {}

  public EventEntity(
      OffsetDateTime occurredAt,
      String deployment,
      String kind,
      String severity,
      String actor,
      String message) {
    this.occurredAt = occurredAt;
    this.deployment = deployment;
    this.kind = kind;
    this.severity = severity;
    this.actor = actor;
    this.message = message;
  }

  public Long getId() {
    return id;
  }

  public OffsetDateTime getOccurredAt() {
    return occurredAt;
  }

  public String getDeployment() {
    return deployment;
  }

  public String getKind() {
    return kind;
  }

  public String getSeverity() {
    return severity;
  }

  public String getActor() {
    return actor;
  }

  public String getMessage() {
    return message;
  }
}
