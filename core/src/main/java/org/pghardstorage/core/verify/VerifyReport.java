package org.pghardstorage.core.verify;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The outcome of verifying one backup: every problem found and what was checked. Plain fields, so
 * it serialises with a default Jackson {@code ObjectMapper}; {@code ok} is written too.
 *
 * @param deployment the deployment
 * @param backupId the verified backup, or the selector as given if the backup could not be resolved
 *     (the repository did not open)
 * @param problems everything found, errors and warnings, in the order found
 * @param packsChecked packs re-read and verified
 * @param chunksChecked chunks decoded and re-hashed in those packs
 * @param filesChecked files re-assembled and compared
 * @param bytesChecked bytes of file content and WAL re-assembled and compared
 * @param walSegmentsChecked WAL segments read and checked
 * @param durationMillis wall-clock time of the verification
 */
public record VerifyReport(
    String deployment,
    String backupId,
    List<VerifyProblem> problems,
    long packsChecked,
    long chunksChecked,
    long filesChecked,
    long bytesChecked,
    long walSegmentsChecked,
    long durationMillis) {

  /** The error code {@link #requireOk} throws. */
  public static final String VERIFY_FAILED = "verify.failed";

  /** Validates the fields. */
  public VerifyReport {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(backupId, "backupId");
    problems = List.copyOf(problems);
  }

  /** Whether no error was found (warnings allowed). */
  @JsonProperty("ok")
  public boolean ok() {
    return errors().isEmpty();
  }

  /** The problems that fail the verification. */
  public List<VerifyProblem> errors() {
    return problems.stream().filter(p -> p.severity() == VerifyProblem.Severity.ERROR).toList();
  }

  /** The wall-clock time of the verification. */
  public Duration duration() {
    return Duration.ofMillis(durationMillis);
  }

  /**
   * Returns normally if {@link #ok()}; otherwise throws the error the command line maps to exit
   * VERIFY_FAILED (9), summarising the first few errors.
   *
   * @throws HardstorageException {@value #VERIFY_FAILED}
   */
  public void requireOk() {
    List<VerifyProblem> errors = errors();
    if (errors.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("backup ").append(deployment).append('/').append(backupId);
    sb.append(" failed verification with ").append(errors.size());
    sb.append(errors.size() == 1 ? " error: " : " errors: ");
    for (int i = 0; i < Math.min(3, errors.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(errors.get(i).describe());
    }
    if (errors.size() > 3) {
      sb.append("; and ").append(errors.size() - 3).append(" more");
    }
    throw new HardstorageException(
        VERIFY_FAILED,
        ExitCode.VERIFY_FAILED,
        sb.toString(),
        "see every problem with: pg_hardstorage verify "
            + deployment
            + " "
            + backupId
            + " --json; restore from another backup or take a new one");
  }
}
