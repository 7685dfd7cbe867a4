package org.pghardstorage.batch.common;

import jakarta.batch.runtime.context.JobContext;
import java.util.Properties;

/**
 * What every step of a product job needs from its job parameters: the deployment and the
 * catalogue's job run id. A step that fails leaves its message here for {@link JobRunListener}.
 */
public final class RunContext {
  private RunContext() {}

  /** The deployment's name. */
  public static String deployment(JobContext job) {
    return parameters(job).getProperty("deployment");
  }

  /** The catalogue's job run id. */
  public static long run(JobContext job) {
    return Long.parseLong(parameters(job).getProperty("run"));
  }

  /** A job parameter, or {@code fallback}. */
  public static String parameter(JobContext job, String name, String fallback) {
    return parameters(job).getProperty(name, fallback);
  }

  /** Records why the job is failing; the listener copies it into the job run. */
  public static RuntimeException failing(JobContext job, RuntimeException e) {
    job.setTransientUserData(e.getMessage() != null ? e.getMessage() : e.toString());
    return e;
  }

  private static Properties parameters(JobContext job) {
    return jakarta.batch.runtime.BatchRuntime.getJobOperator().getParameters(job.getExecutionId());
  }
}
