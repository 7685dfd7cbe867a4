package org.pghardstorage.batch;

import jakarta.annotation.security.PermitAll;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Optional;
import java.util.Properties;

/**
 * Starts and inspects the jobs defined in this module's {@code META-INF/batch-jobs}. Jobs are
 * started from here, the module that holds their XML, so the batch runtime finds them whoever the
 * caller is: a REST resource, a console view or a timer.
 */
@Stateless
@PermitAll
// The batch runtime manages its own transactions; a caller's JTA transaction must not swallow them.
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class JobLauncher {
  /** Starts {@code job} with {@code parameters} and returns its execution id. */
  public long start(String job, Properties parameters) {
    return operator().start(job, parameters);
  }

  /**
   * Restarts a failed or stopped execution from its last checkpoint and returns the new execution
   * id. Restart here, where jobs are started: the batch runtime lets only the component that
   * started a job operate on it.
   */
  public long restart(long executionId, Properties parameters) {
    return operator().restart(executionId, parameters);
  }

  /** One execution, if it exists. */
  public Optional<JobExecution> execution(long executionId) {
    try {
      return Optional.of(operator().getJobExecution(executionId));
    } catch (jakarta.batch.operations.NoSuchJobExecutionException e) {
      return Optional.empty();
    }
  }

  private static JobOperator operator() {
    return BatchRuntime.getJobOperator();
  }
}
