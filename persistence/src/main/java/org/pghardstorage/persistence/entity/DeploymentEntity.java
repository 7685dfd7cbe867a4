package org.pghardstorage.persistence.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;

/**
 * A protected database: how to reach it (conninfo without password, plus a reference to where the
 * password lives) and which repository holds its backups and WAL.
 */
@Entity
@Table(name = "deployment")
@NamedQuery(name = DeploymentEntity.ALL, query = "SELECT d FROM DeploymentEntity d ORDER BY d.name")
@NamedQuery(
    name = DeploymentEntity.BY_NAME,
    query = "SELECT d FROM DeploymentEntity d WHERE d.name = :name")
public class DeploymentEntity {
  /** Every deployment by name. */
  public static final String ALL = "DeploymentEntity.all";

  /** One deployment; parameter {@code name}. */
  public static final String BY_NAME = "DeploymentEntity.byName";

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

  @Column(name = "backup_schedule")
  private String backupSchedule;

  @Column(name = "verify_schedule")
  private String verifySchedule;

  @Column(name = "rotate_schedule")
  private String rotateSchedule;

  @Column(name = "keep_hourly", nullable = false)
  private int keepHourly;

  @Column(name = "keep_daily", nullable = false)
  private int keepDaily = 7;

  @Column(name = "keep_weekly", nullable = false)
  private int keepWeekly = 4;

  @Column(name = "keep_monthly", nullable = false)
  private int keepMonthly = 6;

  @Column(name = "keep_yearly", nullable = false)
  private int keepYearly;

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

  public void setRepositoryUrl(String repositoryUrl) {
    this.repositoryUrl = repositoryUrl;
    touch();
  }

  public String getSlotName() {
    return slotName;
  }

  public String getKekRef() {
    return kekRef;
  }

  public void setKekRef(String kekRef) {
    this.kekRef = kekRef;
    touch();
  }

  public boolean isStreaming() {
    return streaming;
  }

  public void setStreaming(boolean streaming) {
    this.streaming = streaming;
    touch();
  }

  public String getBackupSchedule() {
    return backupSchedule;
  }

  public String getVerifySchedule() {
    return verifySchedule;
  }

  public String getRotateSchedule() {
    return rotateSchedule;
  }

  /** Sets the backup, verify and rotate schedules (cron-like; null for none). */
  public void setSchedules(String backup, String verify, String rotate) {
    this.backupSchedule = backup;
    this.verifySchedule = verify;
    this.rotateSchedule = rotate;
    touch();
  }

  /** The retention policy: how many hourly, daily, weekly, monthly and yearly backups to keep. */
  public int[] getKeep() {
    return new int[] {keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly};
  }

  /** Sets the retention policy (hourly, daily, weekly, monthly, yearly). */
  public void setKeep(int hourly, int daily, int weekly, int monthly, int yearly) {
    this.keepHourly = hourly;
    this.keepDaily = daily;
    this.keepWeekly = weekly;
    this.keepMonthly = monthly;
    this.keepYearly = yearly;
    touch();
  }

  public long getVersion() {
    return version;
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
