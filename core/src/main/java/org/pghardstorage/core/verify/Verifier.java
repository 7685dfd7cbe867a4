package org.pghardstorage.core.verify;

import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.restore.BackupChooser;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.task.ProgressListener;
import org.pghardstorage.core.task.WorkerPool;

/**
 * Proves that a backup restores, without writing a data directory:
 *
 * <ol>
 *   <li>every pack the backup uses is re-read whole, every blob decoded and re-hashed, and the
 *       trailer compared with the index ({@link Repository#verifyPack}); in parallel;
 *   <li>every file is re-assembled through the chunk reader and its size and CRC32C compared with
 *       our manifest, and its size and checksum with PostgreSQL's {@code backup_manifest}, whose
 *       own checksum, file list and {@code WAL-Ranges} must agree with ours;
 *   <li>every WAL segment from the backup's start to its end LSN is read (which checks its seal)
 *       and must be the segment its name says; a partial last segment that does not yet reach the
 *       end is a warning.
 * </ol>
 *
 * <p>Every problem is reported, naming the store object, the affected files and chunks. Callers map
 * {@code !report.ok()} to exit VERIFY_FAILED with {@link VerifyReport#requireOk()}. Holds a shared
 * repository lock, so garbage collection cannot delete packs underneath. Progress phases, in order:
 * {@code packs}, {@code files}, {@code wal}.
 */
public final class Verifier {
  /** The verification was interrupted (exit ABORTED). */
  public static final String INTERRUPTED = "verify.interrupted";

  private final Repository repo;

  /** A verifier of {@code repo}'s backups. */
  public Verifier(Repository repo) {
    this.repo = Objects.requireNonNull(repo, "repo");
  }

  /**
   * Opens the repository and verifies a backup. A repository that does not open because its {@code
   * config} is damaged gives a failed report naming that object, not an exception; a damaged index
   * object does not stop it (the report warns about it, {@link VerifyProblem.Kind#INDEX_DAMAGED}).
   *
   * @throws HardstorageException for a repository that is missing, locked, or needs another key;
   *     and as {@link #verify(VerifyRequest, ProgressListener)}
   */
  public static VerifyReport verify(
      ObjectStore store, OpenOptions open, VerifyRequest request, ProgressListener listener) {
    long started = System.nanoTime();
    Repository repo;
    try {
      repo = Repository.open(store, open);
    } catch (RepositoryCorruptException e) {
      return unopenable(request, e.object(), e.getMessage(), started);
    } catch (HardstorageException e) {
      if (e.code().equals(RepositoryErrors.CONFIG_INVALID)) {
        return unopenable(request, "config", e.getMessage(), started);
      }
      throw e;
    }
    try (repo) {
      return new Verifier(repo).verify(request, listener);
    }
  }

  /**
   * Verifies a backup of the open repository.
   *
   * @param listener progress, on the calling thread
   * @throws HardstorageException {@code backup.not_found} (NOT_FOUND), {@code repo.locked}
   *     (CONFLICT), {@value #INTERRUPTED} (ABORTED), storage errors that retries did not overcome
   */
  public VerifyReport verify(VerifyRequest request, ProgressListener listener) {
    long started = System.nanoTime();
    BackupId id = new BackupChooser(repo).chooseId(request.deployment(), request.backup());
    String purpose = "verify " + request.deployment() + " " + id;
    try (RepositoryLock lock = repo.lock(LockKind.SHARED, purpose);
        WorkerPool pool = new WorkerPool("pghs-verify-" + id, request.parallelism())) {
      VerifyReport report =
          new Verification(repo, request.deployment(), id, pool, listener).run(started);
      VerificationRecord.of(report, java.time.Instant.now()).store(repo, request.deployment());
      return report;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HardstorageException(
          INTERRUPTED,
          ExitCode.ABORTED,
          "the verification of " + request.deployment() + "/" + id + " was interrupted",
          "run it again",
          e);
    }
  }

  private static VerifyReport unopenable(
      VerifyRequest request, String object, String detail, long started) {
    VerifyProblem problem =
        VerifyProblem.error(
            VerifyProblem.Kind.REPOSITORY_UNREADABLE,
            object,
            List.of(),
            detail + "; the repository cannot be opened, so no backup can be checked");
    return new VerifyReport(
        request.deployment().name(),
        request.backup().text(),
        List.of(problem),
        0,
        0,
        0,
        0,
        0,
        (System.nanoTime() - started) / 1_000_000);
  }
}
