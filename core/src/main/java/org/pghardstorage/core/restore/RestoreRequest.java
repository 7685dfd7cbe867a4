package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.repo.Deployment;

/**
 * What to restore and where. Build one with {@link #builder}.
 *
 * @param deployment the deployment
 * @param backup which of its backups
 * @param target the data directory to create or fill; absolute
 * @param force delete the contents of non-empty targets first (data directory and tablespace
 *     directories)
 * @param tablespaceRemaps where to put tablespaces instead of their recorded location: key is the
 *     tablespace oid in decimal or its recorded (old) location, value the new absolute directory
 * @param parallelism chunk fetch and write threads, at least 1
 * @param restoreCommand the {@code restore_command} PostgreSQL runs to fetch WAL; the caller builds
 *     it because only the command line knows the launcher's path
 * @param sync whether to fsync every restored file and directory (PostgreSQL expects a durable data
 *     directory; tests turn it off)
 * @param recoveryTarget where recovery stops; default the backup's consistency point
 * @param targetAction {@code pause}, {@code promote} or {@code shutdown} at the target
 * @param targetTimeline {@code latest}, {@code current} or a timeline number to recover along
 * @param walDir a directory for the WAL outside the data directory: {@code pg_wal} becomes a link
 *     to it, as with {@code initdb -X}; the only way a restore creates {@code pg_wal} as a link
 * @param recoveryKey how {@code restoreCommand} gets the repository key (build the command with
 *     {@link RestoreCommands#walFetch(String, Deployment, String, RecoveryKey)} from the same key)
 * @param postgresUser the OS user PostgreSQL will run as, whose access to the key file and a file
 *     repository is checked; empty means the user running the restore
 */
public record RestoreRequest(
    Deployment deployment,
    BackupSelector backup,
    Path target,
    boolean force,
    Map<String, Path> tablespaceRemaps,
    int parallelism,
    String restoreCommand,
    boolean sync,
    RecoveryTarget recoveryTarget,
    String targetAction,
    String targetTimeline,
    Optional<Path> walDir,
    RecoveryKey recoveryKey,
    Optional<String> postgresUser,
    boolean checkRecoveryAccess) {

  /** Validates the fields. */
  public RestoreRequest {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(backup, "backup");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(restoreCommand, "restoreCommand");
    tablespaceRemaps = Map.copyOf(tablespaceRemaps);
    Objects.requireNonNull(recoveryTarget, "recoveryTarget");
    Objects.requireNonNull(targetAction, "targetAction");
    Objects.requireNonNull(targetTimeline, "targetTimeline");
    if (!targetAction.matches("pause|promote|shutdown")) {
      throw RestoreErrors.invalidRequest(
          "unknown target action '" + targetAction + "'", "use pause, promote or shutdown");
    }
    if (!targetTimeline.matches("latest|current|[1-9][0-9]{0,9}")) {
      throw RestoreErrors.invalidRequest(
          "invalid target timeline '" + targetTimeline + "'",
          "use latest, current or a timeline number");
    }
    requireAbsolute("restore target", target);
    Objects.requireNonNull(walDir, "walDir");
    Objects.requireNonNull(recoveryKey, "recoveryKey");
    Objects.requireNonNull(postgresUser, "postgresUser");
    walDir.ifPresent(w -> requireAbsolute("WAL directory", w));
    for (Map.Entry<String, Path> remap : tablespaceRemaps.entrySet()) {
      String key = remap.getKey();
      if (!key.matches("[1-9][0-9]{0,9}") && !key.startsWith("/")) {
        throw RestoreErrors.invalidRequest(
            "invalid tablespace mapping '" + key + "': expected an oid or an absolute old location",
            "map a tablespace as OID=/new/dir or /old/dir=/new/dir");
      }
      requireAbsolute("tablespace " + key + " target", remap.getValue());
    }
    try {
      RecoverySettings.immediate(restoreCommand);
    } catch (IllegalArgumentException e) {
      throw RestoreErrors.invalidRequest(
          "invalid restore_command: " + e.getMessage(),
          "pass the command PostgreSQL should run to fetch a WAL file, on one line");
    }
    if (parallelism < 1) {
      throw RestoreErrors.invalidRequest(
          "parallelism must be at least 1, got " + parallelism, "omit it to use the default");
    }
  }

  /** A builder with the defaults: latest backup, no force, no remaps, default parallelism, sync. */
  public static Builder builder(Deployment deployment, Path target, String restoreCommand) {
    return new Builder(deployment, target, restoreCommand);
  }

  /** The default parallelism: the number of processors, at least 2 (fetching waits on I/O). */
  public static int defaultParallelism() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  private static void requireAbsolute(String what, Path path) {
    if (!path.isAbsolute()) {
      throw RestoreErrors.invalidRequest(
          what + " '" + path + "' is not an absolute path", "give an absolute directory");
    }
  }

  /** Builds a {@link RestoreRequest}; not thread-safe. */
  public static final class Builder {
    private final Deployment deployment;
    private final Path target;
    private final String restoreCommand;
    private BackupSelector backup = BackupSelector.latest();
    private boolean force;
    private final Map<String, Path> remaps = new LinkedHashMap<>();
    private int parallelism = defaultParallelism();
    private boolean sync = true;
    private RecoveryTarget recoveryTarget = new RecoveryTarget.Immediate();
    private String targetAction;
    private String targetTimeline = "latest";
    private Path walDir;
    private RecoveryKey recoveryKey = RecoveryKey.none();
    private String postgresUser;
    private boolean checkRecoveryAccess = true;

    private Builder(Deployment deployment, Path target, String restoreCommand) {
      this.deployment = deployment;
      this.target = target;
      this.restoreCommand = restoreCommand;
    }

    /** Which backup; default {@code latest}. */
    public Builder backup(BackupSelector backup) {
      this.backup = Objects.requireNonNull(backup, "backup");
      return this;
    }

    /** Whether to empty non-empty targets first; default no. */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    /** Restores tablespace {@code oidOrOldLocation} into {@code newLocation}. */
    public Builder remapTablespace(String oidOrOldLocation, Path newLocation) {
      remaps.put(
          Objects.requireNonNull(oidOrOldLocation, "oidOrOldLocation"),
          Objects.requireNonNull(newLocation, "newLocation"));
      return this;
    }

    /** Fetch and write threads; default {@link RestoreRequest#defaultParallelism()}. */
    public Builder parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    /** Whether to fsync what is written; default yes. */
    public Builder sync(boolean sync) {
      this.sync = sync;
      return this;
    }

    /** Where recovery stops; default the backup's consistency point. */
    public Builder recoveryTarget(RecoveryTarget target) {
      this.recoveryTarget = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * What PostgreSQL does at the target; default {@code promote} for the backup's own end and
     * {@code pause} for a point in time, so the operator can look before promoting.
     */
    public Builder targetAction(String action) {
      this.targetAction = action;
      return this;
    }

    /** The timeline to recover along; default {@code latest}. */
    public Builder targetTimeline(String timeline) {
      this.targetTimeline = Objects.requireNonNull(timeline, "timeline");
      return this;
    }

    /** Puts the WAL into {@code dir}, with {@code pg_wal} a link to it; default: no. */
    public Builder walDir(Path dir) {
      this.walDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * How the restore command gets the repository key; default none (an unencrypted repository).
     */
    public Builder recoveryKey(RecoveryKey key) {
      this.recoveryKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** The OS user PostgreSQL will run as; default the user running the restore. */
    public Builder postgresUser(String user) {
      this.postgresUser = Objects.requireNonNull(user, "user");
      return this;
    }

    /**
     * Whether to check PostgreSQL's OS user's access to the key and the repository; default yes. A
     * plan made on another host than the restore cannot.
     */
    public Builder checkRecoveryAccess(boolean check) {
      this.checkRecoveryAccess = check;
      return this;
    }

    /**
     * The request.
     *
     * @throws org.pghardstorage.core.error.HardstorageException {@code restore.invalid_request}
     *     (exit USAGE) for relative paths, malformed tablespace mappings or parallelism below 1
     */
    public RestoreRequest build() {
      String action =
          targetAction != null
              ? targetAction
              : recoveryTarget.isPointInTime() ? "pause" : "promote";
      return new RestoreRequest(
          deployment,
          backup,
          target,
          force,
          remaps,
          parallelism,
          restoreCommand,
          sync,
          recoveryTarget,
          action,
          targetTimeline,
          Optional.ofNullable(walDir),
          recoveryKey,
          Optional.ofNullable(postgresUser),
          checkRecoveryAccess);
    }
  }
}
