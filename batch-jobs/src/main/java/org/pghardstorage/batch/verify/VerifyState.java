package org.pghardstorage.batch.verify;

import java.io.Serializable;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.verify.VerificationPlan;

/**
 * What the reader, processor and writer of the verify step share while the step runs (the step
 * context's transient data): the open repository, the plan, and the running tally, which the writer
 * checkpoints.
 */
final class VerifyState {
  final OpenedRepository repository;
  final VerificationPlan plan;
  VerificationPlan.Tally tally = new VerificationPlan.Tally();
  final long startedNanos = System.nanoTime();

  VerifyState(OpenedRepository repository, VerificationPlan plan) {
    this.repository = repository;
    this.plan = plan;
  }

  /**
   * The reader's checkpoint: which backup (fixed at the first start, so a restart does not verify a
   * newer "latest") and the index of the next unit.
   *
   * @param backupId the backup being verified
   * @param next the next unit to read
   */
  record Position(String backupId, int next) implements Serializable {}
}
