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
    return properties(job).getProperty("deployment");
  }

  /** The catalogue's job run id. */
  public static long run(JobContext job) {
    return Long.parseLong(properties(job).getProperty("run"));
  }

  /** A job parameter, or {@code fallback}. */
  public static String parameter(JobContext job, String name, String fallback) {
    return properties(job).getProperty(name, fallback);
  }

  /** Every job parameter, by name. */
  public static java.util.Map<String, String> parameters(JobContext job) {
    java.util.Map<String, String> all = new java.util.HashMap<>();
    Properties p = properties(job);
    p.stringPropertyNames().forEach(n -> all.put(n, p.getProperty(n)));
    return all;
  }

  /** Records why the job is failing; the listener copies it into the job run. */
  public static RuntimeException failing(JobContext job, RuntimeException e) {
    job.setTransientUserData(e.getMessage() != null ? e.getMessage() : e.toString());
    return e;
  }

  private static Properties properties(JobContext job) {
    return jakarta.batch.runtime.BatchRuntime.getJobOperator().getParameters(job.getExecutionId());
  }
}
