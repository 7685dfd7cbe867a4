package org.pghardstorage.batch.verify;

import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.core.verify.VerificationPlan;

/**
 * Checks one unit and adds its outcome to the tally. A unit needs what earlier pack units proved
 * unusable, so units are checked and tallied in order, one at a time.
 */
@Named("verifyUnitProcessor")
@Dependent
public class VerifyUnitProcessor implements ItemProcessor {
  @Inject private StepContext step;

  /** Milliseconds to pause after each unit, to spread a large verification's I/O (default 0). */
  @Inject
  @BatchProperty(name = "unitPauseMillis")
  private String unitPauseMillis;

  @Override
  public Object processItem(Object item) throws InterruptedException {
    VerifyState state = (VerifyState) step.getTransientUserData();
    VerificationPlan.Unit unit = (VerificationPlan.Unit) item;
    state.tally.add(unit, state.plan.check(unit, state.tally.damagedChunks()));
    long pause =
        unitPauseMillis == null || unitPauseMillis.isBlank() ? 0 : Long.parseLong(unitPauseMillis);
    if (pause > 0) {
      Thread.sleep(pause);
    }
    return unit;
  }
}
