package org.pghardstorage.ejb.job;

import org.pghardstorage.persistence.entity.JobRunEntity;

/**
 * A job run as the API shows it.
 *
 * @param id the run id (stable across restarts of the job)
 * @param executionId the batch runtime's current execution id
 * @param job base-backup, verify or rotate
 * @param deployment the deployment
 * @param actor who started it (a user, a token name, or {@code scheduler})
 * @param trigger api, schedule or console
 * @param state running, completed, failed or stopped
 * @param startedAt when it started
 * @param endedAt when it ended
 * @param progressDone units of work done
 * @param progressTotal units of work in all (0 when unknown)
 * @param result what it produced (a backup id, a verdict)
 * @param error why it failed
 * @param server the server instance that runs it (host and instance directory)
 */
public record JobRunView(
    long id,
    Long executionId,
    String job,
    String deployment,
    String actor,
    String trigger,
    String state,
    String startedAt,
    String endedAt,
    long progressDone,
    long progressTotal,
    String result,
    String error,
    String server) {

  /** The view of {@code j}. */
  public static JobRunView of(JobRunEntity j) {
    return new JobRunView(
        j.getId(),
        j.getExecutionId(),
        j.getJob(),
        j.getDeployment(),
        j.getActor(),
        j.getTrigger(),
        j.getState(),
        j.getStartedAt().toString(),
        j.getEndedAt() == null ? null : j.getEndedAt().toString(),
        j.getProgressDone(),
        j.getProgressTotal(),
        j.getResult(),
        j.getError(),
        j.getServer());
  }
}
