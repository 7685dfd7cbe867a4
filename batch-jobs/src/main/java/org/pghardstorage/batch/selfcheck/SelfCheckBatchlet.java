package org.pghardstorage.batch.selfcheck;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.context.JobContext;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.pghardstorage.ejb.event.EventLog;

/** Records a {@code system.selfcheck} event; the job's exit status carries the event id. */
@Named("selfCheckBatchlet")
@Dependent
public class SelfCheckBatchlet extends AbstractBatchlet {
  @Inject private JobContext job;

  @Inject
  @BatchProperty(name = "actor")
  private String actor;

  @EJB private EventLog events;

  @Override
  public String process() {
    long id =
        events.record(
            null,
            "system.selfcheck",
            "info",
            actor == null || actor.isBlank() ? "system" : actor,
            "batch self-check execution " + job.getExecutionId());
    job.setExitStatus("EVENT " + id);
    return "EVENT " + id;
  }
}
