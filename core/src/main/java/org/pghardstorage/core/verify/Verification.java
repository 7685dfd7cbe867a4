package org.pghardstorage.core.verify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.task.Progress;
import org.pghardstorage.core.task.ProgressListener;
import org.pghardstorage.core.task.WorkerPool;

/**
 * One verification of one backup: runs the steps in order, collecting every problem instead of
 * stopping at the first. Each damaged object is reported once, where it is found; later steps skip
 * what an earlier step already proved unusable (files whose chunks are damaged are not re-read).
 * Runs on the caller's thread; the steps use the worker pool.
 */
final class Verification {
  /** The progress phase of file re-assembly. */
  static final String FILES_PHASE = "files";

  private final Repository repo;
  private final Deployment deployment;
  private final BackupId backupId;
  private final WorkerPool pool;
  private final ProgressListener listener;
  private final String manifestKey;
  private final String postgresKey;
  private final List<VerifyProblem> problems = new ArrayList<>();
  private long packs;
  private long chunks;
  private long files;
  private long bytes;
  private long segments;

  Verification(
      Repository repo,
      Deployment deployment,
      BackupId backupId,
      WorkerPool pool,
      ProgressListener listener) {
    this.repo = repo;
    this.deployment = deployment;
    this.backupId = backupId;
    this.pool = pool;
    this.listener = listener;
    this.manifestKey = Repository.manifestKey(deployment, backupId).value();
    this.postgresKey = Repository.postgresManifestKey(deployment, backupId).value();
  }

  VerifyReport run(long startedNanos) throws InterruptedException {
    VerificationPlan plan = VerificationPlan.prepare(repo, deployment, backupId);
    problems.addAll(plan.leadingProblems());
    if (plan.manifest().isPresent()) {
      BackupManifest m = plan.manifest().get();
      ChunkUsage usage = plan.usage();
      PackChecks packChecks = PackChecks.run(repo, usage, pool, listener);
      problems.addAll(packChecks.problems());
      packs = packChecks.packs();
      chunks = packChecks.chunks();
      Set<ChunkId> unusable = new HashSet<>(packChecks.damagedChunks());
      unusable.addAll(usage.unindexed().keySet());
      checkFiles(usage, plan.postgres(), unusable);
      problems.addAll(plan.middleProblems());
      checkWal(m, plan.walRanges());
    }
    return new VerifyReport(
        deployment.name(),
        backupId.value(),
        problems,
        packs,
        chunks,
        files,
        bytes,
        segments,
        (System.nanoTime() - startedNanos) / 1_000_000);
  }

  private void checkFiles(
      ChunkUsage usage, Optional<PostgresManifest> postgres, Set<ChunkId> unusable)
      throws InterruptedException {
    ChunkReader reader = repo.openChunkReader();
    List<Callable<FileCheck.Outcome>> tasks = new ArrayList<>();
    long total = 0;
    for (ChunkUsage.BackupFile f : usage.files()) {
      if (f.entry().chunks().stream().map(ChunkRef::id).anyMatch(unusable::contains)) {
        continue; // already reported with this file named
      }
      Optional<PostgresManifest.Entry> pg = postgres.map(p -> p.files().get(f.label()));
      tasks.add(new FileCheck(f, pg, reader, manifestKey, postgresKey));
      total += f.entry().size();
    }
    long totalBytes = total;
    listener.onProgress(new Progress(FILES_PHASE, 0, tasks.size(), 0, totalBytes));
    pool.runAll(
        tasks,
        o -> {
          files++;
          bytes += o.bytes();
          problems.addAll(o.problems());
          listener.onProgress(new Progress(FILES_PHASE, files, tasks.size(), bytes, totalBytes));
        });
  }

  private void checkWal(BackupManifest m, List<PostgresManifest.WalRangeEntry> ranges)
      throws InterruptedException {
    WalChecks wal =
        WalChecks.run(
            repo.wal(deployment), ranges, m.wal().segmentSize(), m.wal().end(), pool, listener);
    problems.addAll(wal.problems());
    segments = wal.segments();
    bytes += wal.bytes();
  }
}
