package org.pghardstorage.core.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import org.pghardstorage.core.Version;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;

/**
 * The outcome of a backup's latest verification, kept in the repository beside the backup ({@code
 * backups/<deployment>/<id>/verification}): the auditor's "when was this backup last proven
 * restorable?" is answered by the repository itself.
 *
 * @param schema {@code pg_hardstorage.verification.v1}
 * @param backupId the backup
 * @param ok whether verification passed
 * @param verifiedAt when it finished
 * @param errors problems that failed it
 * @param warnings problems that did not
 * @param filesChecked files re-assembled
 * @param bytesChecked bytes re-assembled
 * @param durationMillis how long it took
 * @param version the pg_hardstorage version that verified
 */
public record VerificationRecord(
    String schema,
    String backupId,
    boolean ok,
    Instant verifiedAt,
    long errors,
    long warnings,
    long filesChecked,
    long bytesChecked,
    long durationMillis,
    String version) {
  /** The schema name. */
  public static final String SCHEMA = "pg_hardstorage.verification.v1";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(
              com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** The record of {@code report}, finished at {@code at}. */
  public static VerificationRecord of(VerifyReport report, Instant at) {
    long errors = report.errors().size();
    return new VerificationRecord(
        SCHEMA,
        report.backupId(),
        report.ok(),
        at,
        errors,
        report.problems().size() - errors,
        report.filesChecked(),
        report.bytesChecked(),
        report.durationMillis(),
        Version.current());
  }

  /** Stores it beside the backup, replacing an older record. */
  public void store(Repository repo, Deployment deployment) {
    try {
      repo.recordVerification(deployment, BackupId.parse(backupId), JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The latest record of a backup, if it was ever verified. */
  public static Optional<VerificationRecord> read(
      Repository repo, Deployment deployment, BackupId id) {
    return repo.readVerification(deployment, id)
        .map(
            bytes -> {
              try {
                return JSON.readValue(bytes, VerificationRecord.class);
              } catch (IOException e) {
                throw new UncheckedIOException(
                    "verification record of " + deployment + "/" + id + " is unreadable", e);
              }
            });
  }
}
