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
 * A backup as the catalogue indexes it: the figures of its manifest in the repository, which stays
 * the source of truth, plus its latest verification verdict.
 */
@Entity
@Table(name = "backup")
@NamedQuery(
    name = BackupEntity.PAGE,
    query =
        "SELECT b FROM BackupEntity b WHERE b.deployment = :deployment AND b.status = 'committed'"
            + " AND b.id < :before ORDER BY b.id DESC")
@NamedQuery(
    name = BackupEntity.ONE,
    query = "SELECT b FROM BackupEntity b WHERE b.deployment = :deployment AND b.backupId = :id")
@NamedQuery(
    name = BackupEntity.OF_DEPLOYMENT,
    query = "SELECT b FROM BackupEntity b WHERE b.deployment = :deployment")
@NamedQuery(
    name = BackupEntity.STORED_BYTES,
    query =
        "SELECT SUM(b.bytesStored) FROM BackupEntity b WHERE b.deployment = :deployment"
            + " AND b.status = 'committed'")
public class BackupEntity {
  /**
   * The stored (new) bytes of {@code deployment}'s committed backups, one {@code Long}; null when
   * it has none.
   */
  public static final String STORED_BYTES = "BackupEntity.storedBytes";

  /** Committed backups of {@code deployment} with an id below {@code before}, newest first. */
  public static final String PAGE = "BackupEntity.page";

  /** One backup by {@code deployment} and backup {@code id}. */
  public static final String ONE = "BackupEntity.one";

  /** Every row of {@code deployment}, deleted ones too. */
  public static final String OF_DEPLOYMENT = "BackupEntity.ofDeployment";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "deployment", nullable = false)
  private String deployment;

  @Column(name = "backup_id", nullable = false)
  private String backupId;

  @Column(name = "label", nullable = false)
  private String label;

  @Column(name = "timeline", nullable = false)
  private long timeline;

  @Column(name = "start_lsn", nullable = false)
  private String startLsn;

  @Column(name = "stop_lsn", nullable = false)
  private String stopLsn;

  @Column(name = "started_at", nullable = false)
  private OffsetDateTime startedAt;

  @Column(name = "finished_at", nullable = false)
  private OffsetDateTime finishedAt;

  @Column(name = "postgres_version", nullable = false)
  private String postgresVersion;

  @Column(name = "bytes_read", nullable = false)
  private long bytesRead;

  @Column(name = "bytes_new", nullable = false)
  private long bytesNew;

  @Column(name = "bytes_stored", nullable = false)
  private long bytesStored;

  @Column(name = "dedup_ratio", nullable = false)
  private double dedupRatio;

  @Column(name = "status", nullable = false)
  private String status = "committed";

  @Column(name = "verified_at")
  private OffsetDateTime verifiedAt;

  @Column(name = "verify_ok")
  private Boolean verifyOk;

  @Column(name = "verify_errors")
  private Integer verifyErrors;

  @Column(name = "catalogued_at", nullable = false)
  private OffsetDateTime cataloguedAt;

  protected BackupEntity() {}

  public BackupEntity(String deployment, String backupId) {
    this.deployment = deployment;
    this.backupId = backupId;
    this.cataloguedAt = OffsetDateTime.now();
  }

  /** Copies a manifest's figures. */
  @SuppressWarnings("checkstyle:ParameterNumber")
  public void describe(
      String label,
      long timeline,
      String startLsn,
      String stopLsn,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt,
      String postgresVersion,
      long[] bytesReadNewStored,
      double dedupRatio) {
    this.label = label;
    this.timeline = timeline;
    this.startLsn = startLsn;
    this.stopLsn = stopLsn;
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.postgresVersion = postgresVersion;
    this.bytesRead = bytesReadNewStored[0];
    this.bytesNew = bytesReadNewStored[1];
    this.bytesStored = bytesReadNewStored[2];
    this.dedupRatio = dedupRatio;
    this.status = "committed";
    this.cataloguedAt = OffsetDateTime.now();
  }

  /** Records a verification verdict. */
  public void verified(OffsetDateTime at, boolean ok, int errors) {
    this.verifiedAt = at;
    this.verifyOk = ok;
    this.verifyErrors = errors;
  }

  /** Marks the backup as gone from the repository. */
  public void deleted() {
    this.status = "deleted";
  }

  public Long getId() {
    return id;
  }

  public String getDeployment() {
    return deployment;
  }

  public String getBackupId() {
    return backupId;
  }

  public String getLabel() {
    return label;
  }

  public long getTimeline() {
    return timeline;
  }

  public String getStartLsn() {
    return startLsn;
  }

  public String getStopLsn() {
    return stopLsn;
  }

  public OffsetDateTime getStartedAt() {
    return startedAt;
  }

  public OffsetDateTime getFinishedAt() {
    return finishedAt;
  }

  public String getPostgresVersion() {
    return postgresVersion;
  }

  public long getBytesRead() {
    return bytesRead;
  }

  public long getBytesNew() {
    return bytesNew;
  }

  public long getBytesStored() {
    return bytesStored;
  }

  public double getDedupRatio() {
    return dedupRatio;
  }

  public String getStatus() {
    return status;
  }

  public OffsetDateTime getVerifiedAt() {
    return verifiedAt;
  }

  public Boolean getVerifyOk() {
    return verifyOk;
  }

  public Integer getVerifyErrors() {
    return verifyErrors;
  }
}
