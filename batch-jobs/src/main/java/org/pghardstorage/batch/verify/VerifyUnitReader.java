package org.pghardstorage.batch.verify;

import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import org.pghardstorage.batch.common.RunContext;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.verify.VerificationPlan;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.metrics.StorageRetries;

/**
 * Reads the units of a {@link VerificationPlan} in order, from the checkpointed position on a
 * restart. Holds a shared repository lock while the step runs, so garbage collection cannot delete
 * what is being checked.
 */
@Named("verifyUnitReader")
@Dependent
public class VerifyUnitReader extends AbstractItemReader {
  @Inject private JobContext job;
  @Inject private StepContext step;

  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;
  @EJB private EventLog events;

  private VerifyState state;
  private RepositoryLock lock;
  private List<VerificationPlan.Unit> units;
  private int next;

  @Override
  public void open(Serializable checkpoint) {
    try {
      VerifyState.Position from = (VerifyState.Position) checkpoint;
      Protected p = deployments.require(RunContext.deployment(job));
      OpenedRepository o = p.open(retries.listener(p.deployment().name()));
      try {
        lock = o.repository().lock(LockKind.SHARED, "verify job " + job.getExecutionId());
        BackupSelector backup =
            from != null
                ? BackupSelector.of(BackupId.parse(from.backupId()))
                : BackupSelector.parse(RunContext.parameter(job, "backup", "latest"));
        VerificationPlan plan = VerificationPlan.prepare(o.repository(), p.deployment(), backup);
        state = new VerifyState(o, plan);
      } catch (RuntimeException e) {
        o.close();
        throw e;
      }
      units = state.plan.units();
      next = from != null ? from.next() : 0;
      if (from != null) {
        events.record(
            p.deployment().name(),
            "job.resumed",
            "info",
            "system",
            "verify of backup "
                + from.backupId()
                + " resumed from its checkpoint at unit "
                + next
                + " of "
                + units.size());
      }
      step.setTransientUserData(state);
    } catch (RuntimeException e) {
      throw RunContext.failing(job, e);
    }
  }

  @Override
  public Object readItem() {
    return next < units.size() ? units.get(next++) : null;
  }

  @Override
  public Serializable checkpointInfo() {
    return new VerifyState.Position(state.plan.backupId().value(), next);
  }

  @Override
  public void close() {
    if (state != null) {
      try {
        if (lock != null) {
          lock.close();
        }
      } finally {
        state.repository.close();
      }
    }
  }
}
