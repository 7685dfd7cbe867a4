package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.crypto.EncryptionMode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.task.ProgressListener;

/**
 * Materialises a PostgreSQL data directory from a backup, ready for {@code pg_ctl start} to recover
 * to the backup's consistency point and promote.
 *
 * <p>Order of work, chosen so that an interrupted restore can never be started as if complete:
 *
 * <ol>
 *   <li>plan without writing: choose the backup, place tablespaces, locate every chunk, check the
 *       targets (a refusal leaves everything untouched);
 *   <li>empty ({@code force}) or create the targets, and write the marker {@value
 *       IncompleteMarker#NAME} into each;
 *   <li>lay out directories, links and files; fetch, check and write all content in parallel;
 *       {@code global/pg_control} last;
 *   <li>write PostgreSQL's {@code backup_manifest}, make sure {@code pg_wal/archive_status} exists,
 *       fix {@code tablespace_map} if a tablespace moved, apply modes and times, fsync;
 *   <li>write the recovery settings and {@code recovery.signal};
 *   <li>delete the markers.
 * </ol>
 *
 * <p>A half-restored directory therefore holds the marker, possibly some data, no {@code
 * recovery.signal} and usually no {@code global/pg_control}; PostgreSQL refuses to start it (no
 * control file, or a {@code backup_label} whose checkpoint WAL is not in the empty {@code pg_wal}).
 * The fix is to run the same restore again with {@code --force}, which replaces it.
 *
 * <p>The restore holds a shared repository lock, so garbage collection cannot delete packs under
 * it. Thread-safe: one instance may run several restores into different targets.
 */
public final class Restorer {
  static final String POSTGRES_MANIFEST = "backup_manifest";

  private final Repository repo;
  private final TargetGuard guard;
  private final Clock clock;
  private final OsAccess access;
  private final Fs.Forcer forcer;

  /**
   * A restorer reading from {@code repo}, protecting this host's home and system directories and
   * the repository itself.
   */
  public Restorer(Repository repo) {
    this(repo, TargetGuard.forThisHost(repo.localDirectory()), Clock.systemUTC());
  }

  Restorer(Repository repo, TargetGuard guard, Clock clock) {
    this(repo, guard, clock, OsAccess.ofHost());
  }

  Restorer(Repository repo, TargetGuard guard, Clock clock, OsAccess access) {
    this(repo, guard, clock, access, Fs.FSYNC);
  }

  /** With {@code forcer} in place of fsync (tests of what is synced, and in which order). */
  Restorer(Repository repo, TargetGuard guard, Clock clock, OsAccess access, Fs.Forcer forcer) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.guard = guard;
    this.clock = clock;
    this.access = access;
    this.forcer = forcer;
  }

  /**
   * What {@link #restore} would do, without writing anything (not even a lock).
   *
   * @throws HardstorageException {@code backup.not_found}, {@code restore.invalid_request}, {@code
   *     repo.corrupt}, {@code repo.chunk_missing}
   */
  public RestorePreview preview(RestoreRequest request) {
    RestorePlan plan = planner().plan(request);
    BackupManifest m = plan.manifest();
    RequiredWal wal = RequiredWalFinder.find(repo.wal(m.deployment()), m.wal());
    List<String> warnings = new ArrayList<>();
    List<String> recoveryProblems = recoveryAccess(request, warnings);
    targetBeyondArchive(m, request.recoveryTarget(), warnings).ifPresent(recoveryProblems::add);
    if (request.force()) {
      plan.failedVerification()
          .ifPresent(why -> warnings.add("the backup " + why + "; --force restores it anyway"));
    }
    return new RestorePreview(
        m.deployment().name(),
        request.backup().text(),
        m.backupId().value(),
        m.startedAt().toString(),
        m.finishedAt().toString(),
        m.postgres().version(),
        plan.dataDir().toString(),
        plan.fileCount(),
        plan.bytes(),
        plan.storedBytes(),
        plan.packs(),
        plan.tablespaces(),
        plan.recovery(),
        wal,
        plan.roots().stream()
            .map(r -> new RestorePreview.Directory(r.path().toString(), r.role()))
            .toList(),
        concat(recoveryProblems, previewProblems(plan, request.force(), wal)),
        warnings);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * What would keep the restored cluster's {@code restore_command}, run by PostgreSQL as its OS
   * user without the restoring shell's environment, from reading the repository: no key for an
   * encrypted one, a key file or a file repository that user cannot read. What cannot be checked
   * (an account the host's files do not know) goes to {@code warnings}.
   */
  private List<String> recoveryAccess(RestoreRequest request, List<String> warnings) {
    List<String> problems = new ArrayList<>();
    boolean encrypted = repo.config().encryption() != EncryptionMode.NONE;
    RecoveryKey key = request.recoveryKey();
    String give =
        "put the passphrase into a file that PostgreSQL's OS user can read and pass"
            + " --passphrase-file FILE";
    if (encrypted && key instanceof RecoveryKey.None) {
      problems.add("the repository is encrypted, but restore_command would get no key; " + give);
    } else if (encrypted && key instanceof RecoveryKey.Unavailable u) {
      problems.add(
          "the repository is encrypted and its key came from "
              + u.source()
              + ", which restore_command cannot read (PostgreSQL runs it as its own OS user,"
              + " without this environment); "
              + give);
    }
    if (!request.checkRecoveryAccess()) {
      return problems;
    }
    String self = System.getProperty("user.name", "");
    String user = request.postgresUser().orElse(self);
    if (request.postgresUser().isEmpty() && "root".equals(self)) {
      if (encrypted && key instanceof RecoveryKey.PassphraseFile f) {
        problems.add(
            "pg_hardstorage runs as root, so it cannot tell whether PostgreSQL's OS user can read"
                + " the passphrase file "
                + f.file()
                + "; name that user with --postgres-user USER");
      }
      return problems;
    }
    Optional<OsAccess.Account> account = access.account(user);
    if (account.isEmpty()) {
      warnings.add(
          "the OS user "
              + user
              + " is not in /etc/passwd, so its access to the repository and key cannot be"
              + " checked");
      return problems;
    }
    if (encrypted && key instanceof RecoveryKey.PassphraseFile f) {
      access
          .whyUnreadable(f.file(), account.get())
          .ifPresent(
              why ->
                  problems.add(
                      "restore_command runs as "
                          + user
                          + " and needs the passphrase file, but "
                          + why
                          + "; make the file readable by that user (e.g. chgrp and chmod 0640)"));
    }
    repo.localDirectory()
        .flatMap(dir -> access.whyUnreadable(dir.resolve("config"), account.get()))
        .ifPresent(
            why ->
                problems.add(
                    "restore_command runs as "
                        + user
                        + " and reads the repository, but "
                        + why
                        + "; make the repository group-readable for that user (repo init"
                        + " --group-readable, or chgrp -R and chmod -R g+rX)"));
    return problems;
  }

  /**
   * Whether the recovery target lies past the archived WAL: for an LSN that is certain (a problem);
   * for a time it is judged by when the store wrote the newest WAL, whose clock may differ from the
   * server's, so it is a warning.
   */
  private Optional<String> targetBeyondArchive(
      BackupManifest m, RecoveryTarget target, List<String> warnings) {
    if (!(target instanceof RecoveryTarget.AtLsn) && !(target instanceof RecoveryTarget.Time)) {
      return Optional.empty();
    }
    Optional<ArchiveEnd> end =
        ArchiveEnd.of(
            repo.wal(m.deployment()),
            org.pghardstorage.core.pg.WalSegmentSize.ofBytes(m.wal().segmentSize()));
    if (end.isEmpty()) {
      return Optional.empty();
    }
    if (target instanceof RecoveryTarget.AtLsn at && at.lsn().isAfter(end.get().lsn())) {
      return Optional.of(
          "the archived WAL ends at "
              + end.get().lsn()
              + " on timeline "
              + end.get().timeline()
              + ", before the target "
              + target.describe()
              + ": PostgreSQL would end recovery short of it and refuse to start; choose a"
              + " target at or before "
              + end.get().lsn()
              + ", or wait until the WAL streamer has archived past it");
    }
    if (target instanceof RecoveryTarget.Time t && t.time().isAfter(end.get().storedAt())) {
      warnings.add(
          "the newest archived WAL was written at "
              + end.get().storedAt()
              + ", before the target "
              + target.describe()
              + ": unless later WAL arrives, PostgreSQL ends recovery before the target and"
              + " refuses to start");
    }
    return Optional.empty();
  }

  private RestorePlanner planner() {
    return new RestorePlanner(repo, guard.protectedPaths());
  }

  /** What would stop the restore (a refused target) or the recovery after it (missing WAL). */
  private List<String> previewProblems(RestorePlan plan, boolean force, RequiredWal wal) {
    List<String> problems = new ArrayList<>();
    if (!force) {
      plan.failedVerification()
          .ifPresent(
              why ->
                  problems.add(
                      "the backup " + why + "; a restore refuses it unless --force is given"));
    }
    guard.check(plan, force).ifPresent(e -> problems.add(e.getMessage()));
    for (WalSegmentStatus s : wal.segments()) {
      if (s.state() == WalSegmentStatus.State.MISSING) {
        problems.add("WAL segment " + s.name() + " is not in the repository");
      } else if (s.state() == WalSegmentStatus.State.PARTIAL_ONLY) {
        problems.add(
            "WAL segment "
                + s.name()
                + " is only partially archived (the streamer is still receiving it)");
      }
    }
    return problems;
  }

  /**
   * Restores. On failure the target is left as it is, marked incomplete (see the class comment).
   *
   * @param progress receives phase {@code files} counts on the calling thread
   * @throws HardstorageException {@code backup.not_found} (NOT_FOUND), {@code
   *     restore.target_not_empty} / {@code restore.server_running} / {@code repo.locked}
   *     (CONFLICT), {@code restore.target_protected} / {@code restore.invalid_request} (USAGE),
   *     {@code restore.checksum_mismatch} / {@code repo.corrupt} / {@code repo.chunk_missing}
   *     (VERIFY_FAILED), {@code restore.write_failed} (ERROR), {@code restore.interrupted}
   *     (ABORTED), storage errors
   */
  public RestoreResult restore(RestoreRequest request, ProgressListener progress) {
    long started = System.nanoTime();
    String purpose =
        "restore "
            + request.deployment()
            + " "
            + request.backup().text()
            + " into "
            + request.target();
    try (RepositoryLock lock = repo.lock(LockKind.SHARED, purpose)) {
      RestorePlan plan = planner().plan(request);
      requireVerifiedOrForced(plan, request.force());
      List<String> recoveryProblems = recoveryAccess(request, new ArrayList<>());
      targetBeyondArchive(plan.manifest(), request.recoveryTarget(), new ArrayList<>())
          .ifPresent(recoveryProblems::add);
      if (!recoveryProblems.isEmpty()) {
        throw RestoreErrors.recoveryWouldFail(request.target(), recoveryProblems);
      }
      byte[] postgresManifest = readPostgresManifest(plan.manifest());
      Fs fs = new Fs(request.sync(), forcer);
      guard.prepare(plan, request.force(), fs);
      IncompleteMarker.write(plan, fs, clock.instant());
      TreeWriter tree = new TreeWriter(plan, fs);
      long bytes =
          new Materialiser(plan, fs, repo.openChunkReader(), request.parallelism(), progress)
              .run(tree.create());
      finishTree(plan, tree, fs, postgresManifest);
      RecoveryConfigWriter.write(plan.dataDir(), plan.manifest().backupId(), plan.recovery(), fs);
      IncompleteMarker.remove(plan, fs);
      return new RestoreResult(
          plan.manifest().deployment().name(),
          plan.manifest().backupId().value(),
          plan.dataDir().toString(),
          plan.fileCount(),
          bytes,
          (System.nanoTime() - started) / 1_000_000,
          plan.tablespaces(),
          plan.recovery());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RestoreErrors.interrupted(request.target(), e);
    }
  }

  private void requireVerifiedOrForced(RestorePlan plan, boolean force) {
    if (force || plan.failedVerification().isEmpty()) {
      return;
    }
    BackupManifest m = plan.manifest();
    throw RestoreErrors.backupFailedVerification(
        m.deployment(),
        m.backupId(),
        plan.failedVerification().get(),
        VerificationGate.newestUsable(repo, m.deployment(), m.backupId()));
  }

  /** Everything after the content and before recovery.signal. */
  private static void finishTree(
      RestorePlan plan, TreeWriter tree, Fs fs, byte[] postgresManifest) {
    Path dataDir = plan.dataDir();
    // As pg_basebackup does, so that pg_verifybackup can check the restored directory.
    fs.writeSmallFile(dataDir.resolve(POSTGRES_MANIFEST), postgresManifest);
    // PostgreSQL refuses to start without pg_wal; archive_status it would recreate, but like
    // pg_basebackup we leave the directory complete.
    // With --waldir, pg_wal is the restore's own link and archive_status goes into that directory.
    fs.createDirectories(dataDir.resolve(ManifestPolicy.PG_WAL).resolve("archive_status"));
    TablespaceMapFile.rewriteIfNeeded(plan, fs);
    tree.applyAttributes();
    fs.syncDirectories();
  }

  /** PostgreSQL's manifest; its absence or a mismatch with our reference is damage. */
  private byte[] readPostgresManifest(BackupManifest m) {
    String key = Repository.postgresManifestKey(m.deployment(), m.backupId()).value();
    Optional<byte[]> content = repo.readPostgresBackupManifest(m.deployment(), m.backupId());
    if (content.isEmpty()) {
      throw new RepositoryCorruptException(key, "the backup's backup_manifest is missing", null);
    }
    if (!m.postgresBackupManifest().matches(content.get())) {
      throw new RepositoryCorruptException(
          key,
          "its size or SHA-256 differs from the backup manifest's reference "
              + m.postgresBackupManifest(),
          null);
    }
    return content.get();
  }
}
