package org.pghardstorage.cli.demo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The result document of {@code pg_hardstorage demo}.
 *
 * @param passed whether every step passed and the restored copy equals the source
 * @param postgresVersion the server version the demo ran, once known
 * @param deployment the deployment name used in the repository
 * @param backupId the backup taken, once committed
 * @param workDir the work directory (removed unless {@code kept})
 * @param kept whether the work directory was kept ({@code --keep})
 * @param steps every step in order, with its time and result
 * @param comparison the table-by-table comparison, once it ran
 * @param error why the demo failed, if it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DemoReport(
    boolean passed,
    @JsonProperty("postgres_version") String postgresVersion,
    String deployment,
    @JsonProperty("backup_id") String backupId,
    @JsonProperty("work_dir") String workDir,
    boolean kept,
    List<StepResult> steps,
    Comparison comparison,
    Problem error) {

  /**
   * The comparison of the restored copy with the source.
   *
   * @param equal whether every table is equal
   * @param tables each table's row counts and checksums
   */
  public record Comparison(boolean equal, List<TableCheck> tables) {
    /** A comparison whose {@code equal} is computed from the tables. */
    public static Comparison of(List<TableCheck> tables) {
      return new Comparison(tables.stream().allMatch(TableCheck::equal), List.copyOf(tables));
    }
  }

  /**
   * Why the demo failed, as in an error envelope.
   *
   * @param code the dotted error code
   * @param message what went wrong
   * @param suggestion what to do, if known
   * @param exitCode the process exit status
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Problem(
      String code, String message, String suggestion, @JsonProperty("exit_code") int exitCode) {
    /** The problem an exception describes. */
    public static Problem of(HardstorageException e) {
      return new Problem(
          e.code(), e.getMessage(), e.suggestion().orElse(null), e.exitCode().code());
    }
  }
}
