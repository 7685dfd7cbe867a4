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
 * One run of a batch job for a deployment: who started it, how far it got, and how it ended. A
 * unique index allows one running job of a kind per deployment.
 */
@Entity
@Table(name = "job_run")
@NamedQuery(
    name = JobRunEntity.PAGE,
    query =
        "SELECT j FROM JobRunEntity j WHERE j.deployment = :deployment AND j.id < :before"
            + " ORDER BY j.id DESC")
@NamedQuery(
    name = JobRunEntity.PAGE_ALL,
    query = "SELECT j FROM JobRunEntity j WHERE j.id < :before ORDER BY j.id DESC")
@NamedQuery(
    name = JobRunEntity.BY_EXECUTION,
    query = "SELECT j FROM JobRunEntity j WHERE j.executionId = :execution")
@NamedQuery(
    name = JobRunEntity.RUNNING,
    query = "SELECT j FROM JobRunEntity j WHERE j.state = 'running'")
public class JobRunEntity {
  /** Runs of {@code deployment} with an id below {@code before}, newest first. */
  public static final String PAGE = "JobRunEntity.page";

  /** Runs of every deployment with an id below {@code before}, newest first. */
  public static final String PAGE_ALL = "JobRunEntity.pageAll";

  /** The run of one batch execution; parameter {@code execution}. */
  public static final String BY_EXECUTION = "JobRunEntity.byExecution";

  /** Runs in state running. */
  public static final String RUNNING = "JobRunEntity.running";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "execution_id")
  private Long executionId;

  @Column(name = "job", nullable = false)
  private String job;

  @Column(name = "deployment", nullable = false)
  private String deployment;

  @Column(name = "actor", nullable = false)
  private String actor;

  @Column(name = "trigger", nullable = false)
  private String trigger;

  @Column(name = "state", nullable = false)
  private String state = "running";

  @Column(name = "started_at", nullable = false)
  private OffsetDateTime startedAt;

  @Column(name = "ended_at")
  private OffsetDateTime endedAt;

  @Column(name = "progress_done", nullable = false)
  private long progressDone;

  @Column(name = "progress_total", nullable = false)
  private long progressTotal;

  @Column(name = "result")
  private String result;

  @Column(name = "error")
  private String error;

  @Column(name = "server")
  private String server;

  @Column(name = "heartbeat_at")
  private OffsetDateTime heartbeatAt;

  protected JobRunEntity() {}

  public JobRunEntity(String job, String deployment, String actor, String trigger, String server) {
    this.job = job;
    this.deployment = deployment;
    this.actor = actor;
    this.trigger = trigger;
    this.server = server;
    this.startedAt = OffsetDateTime.now();
    this.heartbeatAt = startedAt;
  }

  /** Records how far the job got. */
  public void progress(long done, long total) {
    this.progressDone = done;
    this.progressTotal = total;
  }

  /** Records the end of the run: {@code completed}, {@code failed} or {@code stopped}. */
  public void ended(String state, String result, String error) {
    this.state = state;
    this.result = result;
    this.error = error;
    this.endedAt = OffsetDateTime.now();
  }

  /** A restarted execution runs again. */
  public void restarted(long executionId) {
    this.executionId = executionId;
    this.state = "running";
    this.endedAt = null;
    this.error = null;
  }

  public void setExecutionId(Long executionId) {
    this.executionId = executionId;
  }

  public Long getId() {
    return id;
  }

  /** The server instance that runs it (null for runs from before catalogue version 3). */
  public String getServer() {
    return server;
  }

  public Long getExecutionId() {
    return executionId;
  }

  public String getJob() {
    return job;
  }

  public String getDeployment() {
    return deployment;
  }

  public String getActor() {
    return actor;
  }

  public String getTrigger() {
    return trigger;
  }

  public String getState() {
    return state;
  }

  public OffsetDateTime getStartedAt() {
    return startedAt;
  }

  public OffsetDateTime getEndedAt() {
    return endedAt;
  }

  public long getProgressDone() {
    return progressDone;
  }

  public long getProgressTotal() {
    return progressTotal;
  }

  public String getResult() {
    return result;
  }

  public String getError() {
    return error;
  }
}
