package org.pghardstorage.batch.verify;

import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.verify.VerificationPlan;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.verify.VerifyReport;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.ejb.job.JobRuns;

/**
 * Checkpoints the tally with every chunk and reports progress; when every unit is checked it
 * records the verdict in the repository (like {@code pg_hardstorage verify}) and in the catalogue.
 */
@Named("verifyTallyWriter")
@Dependent
public class VerifyTallyWriter extends AbstractItemWriter {
  @Inject private JobContext job;
  @Inject private StepContext step;

  @EJB private JobRuns runs;
  @EJB private CatalogueService catalogue;

  private VerifyState state;

  @Override
  public void open(Serializable checkpoint) {
    state = (VerifyState) step.getTransientUserData();
    if (checkpoint != null) {
      state.tally = (VerificationPlan.Tally) checkpoint;
    }
    runs.progress(RunContext.run(job), state.tally.checked(), state.plan.units().size());
  }

  @Override
  public void writeItems(List<Object> items) {
    runs.progress(RunContext.run(job), state.tally.checked(), state.plan.units().size());
  }

  @Override
  public Serializable checkpointInfo() {
    return state.tally;
  }

  @Override
  public void close() {
    if (state == null || state.tally.checked() != state.plan.units().size()) {
      return; // failed or stopped: the checkpoint holds the tally for a restart
    }
    VerifyReport report =
        state.plan.report(state.tally, (System.nanoTime() - state.startedNanos) / 1_000_000);
    Instant now = Instant.now();
    VerificationRecord.of(report, now)
        .store(state.repository.repository(), state.plan.deployment());
    catalogue.verified(report, now);
    runs.result(
        RunContext.run(job),
        report.ok()
            ? "passed: backup " + report.backupId()
            : "failed: backup " + report.backupId() + ", " + report.errors().size() + " errors");
  }
}
