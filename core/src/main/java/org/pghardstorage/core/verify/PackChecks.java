package org.pghardstorage.core.verify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.repo.PackId;
import org.pghardstorage.core.repo.PackProblem;
import org.pghardstorage.core.repo.PackVerification;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.task.Progress;
import org.pghardstorage.core.task.ProgressListener;
import org.pghardstorage.core.task.WorkerPool;

/**
 * Step 1 of a verification: every pack the backup uses is re-read whole and checked by {@link
 * Repository#verifyPack} on the worker pool, and each pack problem is turned into a {@link
 * VerifyProblem} that names the files using the damaged chunk. Progress phase {@value #PHASE}.
 */
final class PackChecks {
  static final String PHASE = "packs";

  private final ChunkUsage usage;
  private final List<VerifyProblem> problems = new ArrayList<>();
  private final Set<ChunkId> damaged = new HashSet<>();
  private long packs;
  private long chunks;

  private PackChecks(ChunkUsage usage) {
    this.usage = usage;
  }

  /** Verifies every pack of {@code usage}; the result holds the problems and damaged chunks. */
  static PackChecks run(
      Repository repo, ChunkUsage usage, WorkerPool pool, ProgressListener listener)
      throws InterruptedException {
    PackChecks checks = new PackChecks(usage);
    List<Callable<PackVerification>> tasks = new ArrayList<>();
    for (PackId pack : usage.packs()) {
      tasks.add(() -> repo.verifyPack(pack));
    }
    long total = tasks.size();
    listener.onProgress(new Progress(PHASE, 0, total, 0, 0));
    pool.runAll(
        tasks,
        v -> {
          checks.add(v);
          listener.onProgress(new Progress(PHASE, checks.packs, total, 0, 0));
        });
    return checks;
  }

  /** The problems of one pack's verification, as {@link #run} would report them. */
  static PackChecks of(ChunkUsage usage, PackVerification v) {
    PackChecks checks = new PackChecks(usage);
    checks.add(v);
    return checks;
  }

  List<VerifyProblem> problems() {
    return problems;
  }

  /** Chunks of the backup known to be unusable: their files need not be re-read. */
  Set<ChunkId> damagedChunks() {
    return damaged;
  }

  long packs() {
    return packs;
  }

  long chunks() {
    return chunks;
  }

  private void add(PackVerification v) {
    packs++;
    chunks += v.chunksChecked();
    for (PackProblem p : v.problems()) {
      problems.add(toProblem(p));
    }
  }

  private VerifyProblem toProblem(PackProblem p) {
    String object = p.pack().key().value();
    List<String> chunkIds = p.chunk().map(c -> List.of(c.hex())).orElse(List.of());
    List<String> files = p.chunk().map(usage::filesOf).orElse(List.of());
    String detail = p.kind() + ": " + p.detail();
    switch (p.kind()) {
      case MISSING -> {
        damaged.addAll(usage.chunksIn(p.pack()));
        return VerifyProblem.error(
            VerifyProblem.Kind.PACK_MISSING, object, usage.filesOf(p.pack()), detail);
      }
      case BLOB_UNREADABLE, ID_MISMATCH, LENGTH_MISMATCH, NOT_IN_PACK -> {
        p.chunk().ifPresent(damaged::add);
        VerifyProblem.Kind kind =
            p.kind() == PackProblem.Kind.NOT_IN_PACK
                ? VerifyProblem.Kind.PACK_DAMAGED
                : VerifyProblem.Kind.CHUNK_DAMAGED;
        String why = files.isEmpty() ? detail + " (a chunk this backup does not use)" : detail;
        return new VerifyProblem(VerifyProblem.Severity.ERROR, kind, object, files, chunkIds, why);
      }
      case UNINDEXED -> {
        // A chunk the backup uses was found only through its pack's trailer: its index file is
        // damaged or lost, which is repaired without touching the data.
        String why =
            files.isEmpty()
                ? detail
                : detail
                    + "; read through the pack's trailer, run 'pg_hardstorage repo index"
                    + " rebuild' to index it again";
        return new VerifyProblem(
            VerifyProblem.Severity.WARNING,
            VerifyProblem.Kind.CHUNK_UNINDEXED,
            object,
            files,
            chunkIds,
            why);
      }
      default -> {
        // HASH_MISMATCH, TRAILER_UNREADABLE: the pack's bytes changed, and damaged blobs, if any,
        // are reported separately with their files. INDEX_MISMATCH: reads follow the index, so
        // its chunk cannot be read back.
        p.chunk().ifPresent(damaged::add);
        return new VerifyProblem(
            VerifyProblem.Severity.ERROR,
            VerifyProblem.Kind.PACK_DAMAGED,
            object,
            files,
            chunkIds,
            detail);
      }
    }
  }
}
