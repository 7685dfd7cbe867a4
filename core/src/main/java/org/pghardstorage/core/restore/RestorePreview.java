package org.pghardstorage.core.restore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * What a restore would do, computed without writing anything: the {@code --preview} output and the
 * REST restore plan. Plain fields only (strings, numbers, lists, records), so it serialises with a
 * default Jackson {@code ObjectMapper}.
 *
 * @param deployment the deployment
 * @param selector the backup selector as given ({@code latest} or an id)
 * @param backupId the chosen backup
 * @param backupStartedAt when that backup started (ISO-8601)
 * @param backupFinishedAt when it finished (ISO-8601)
 * @param postgresVersion the server version it was taken from
 * @param target the data directory that would be written
 * @param files regular files to restore
 * @param bytes their total size: what would be written
 * @param storedBytes what would be fetched from the repository (sealed, compressed chunks, each
 *     distinct chunk once)
 * @param packs how many packs those chunks are in
 * @param tablespaces where each tablespace would go
 * @param recovery the settings that would be written to {@code postgresql.auto.conf}
 * @param wal the WAL the backup needs and whether it is archived
 * @param directories every directory the restore would write into, and what it is: nothing is
 *     written outside them
 * @param problems what would stop the restore or recovery (a non-empty target without force, a
 *     missing WAL segment, a failed verification without force); empty if none
 * @param warnings what would not stop it but deserves a look (a failed verification overridden by
 *     force)
 */
public record RestorePreview(
    String deployment,
    String selector,
    String backupId,
    String backupStartedAt,
    String backupFinishedAt,
    String postgresVersion,
    String target,
    long files,
    long bytes,
    long storedBytes,
    long packs,
    List<TablespaceTarget> tablespaces,
    RecoverySettings recovery,
    RequiredWal wal,
    List<Directory> directories,
    List<String> problems,
    List<String> warnings) {
  /** Validates the fields. */
  public RestorePreview {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(backupStartedAt, "backupStartedAt");
    Objects.requireNonNull(backupFinishedAt, "backupFinishedAt");
    Objects.requireNonNull(postgresVersion, "postgresVersion");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(recovery, "recovery");
    Objects.requireNonNull(wal, "wal");
    tablespaces = List.copyOf(tablespaces);
    directories = List.copyOf(directories);
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }

  /**
   * A directory the restore writes into.
   *
   * @param path the directory
   * @param role {@code data directory}, {@code tablespace 16385 (recorded location)}, {@code
   *     tablespace 16385 (--tablespace-map)} or {@code WAL directory (--waldir)}
   */
  public record Directory(String path, String role) {
    /** Validates the fields. */
    public Directory {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(role, "role");
    }
  }

  /** Whether nothing known would stop the restore or the recovery after it. */
  @JsonProperty("ready")
  public boolean ready() {
    return problems.isEmpty();
  }
}
