package org.pghardstorage.batch.rotate;

import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.pghardstorage.core.retention.ReviewedRotation;
import org.pghardstorage.ejb.job.JobRunView;

/**
 * The {@code reviewed_run} parameter of a {@code rotate} job: the id of an earlier dry run whose
 * plan (its recorded result) the job applies, and nothing else. {@link
 * org.pghardstorage.batch.JobService} checks it before it starts the job, so that a client is told
 * at once; the job checks it again when it runs, and the engine then compares it with the plan made
 * under the repository lock.
 */
public final class ReviewedRun {
  /** The job parameter naming the reviewed dry run. */
  public static final String PARAMETER = "reviewed_run";

  private ReviewedRun() {}

  /** Whether a rotate job's parameters ask to apply a reviewed run's plan. */
  public static boolean asked(Map<String, String> parameters) {
    return parameters.containsKey(PARAMETER);
  }

  /**
   * The plan that {@code value} (the parameter's text) names, for {@code deployment}.
   *
   * @param runs the catalogue's job runs by id
   * @throws org.pghardstorage.core.error.HardstorageException {@value ReviewedRotation#INVALID}
   *     (USAGE) if {@code value} is not a run id, names no run, a run of another job or deployment,
   *     a run that did not complete, or one that applied a rotation; also when {@code apply} is
   *     given as anything but {@code true} beside it
   */
  public static ReviewedRotation require(
      Map<String, String> parameters, String deployment, LongFunction<Optional<JobRunView>> runs) {
    String value = parameters.get(PARAMETER);
    String apply = parameters.getOrDefault("apply", "true");
    String source = "job run " + value;
    if (!"true".equals(apply)) {
      throw ReviewedRotation.invalid(
          source, PARAMETER + " applies a plan, so apply=" + apply + " contradicts it");
    }
    long id;
    try {
      id = Long.parseLong(value == null ? "" : value.strip());
    } catch (NumberFormatException e) {
      throw ReviewedRotation.invalid(
          source, PARAMETER + " must be the id of a rotate dry run, not '" + value + "'");
    }
    JobRunView run =
        runs.apply(id)
            .orElseThrow(() -> ReviewedRotation.invalid(source, "there is no such job run"));
    if (!"rotate".equals(run.job())) {
      throw ReviewedRotation.invalid(source, "it is a " + run.job() + " run, not a rotate dry run");
    }
    if (!deployment.equals(run.deployment())) {
      throw ReviewedRotation.invalid(
          source, "it planned deployment " + run.deployment() + ", not " + deployment);
    }
    if (!"completed".equals(run.state())) {
      throw ReviewedRotation.invalid(source, "it is " + run.state() + ", not a completed dry run");
    }
    return ReviewedRotation.fromDocument(run.result(), source);
  }
}
