package org.pghardstorage.ejb.job;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.catalogue.Page;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.system.ServerInstance;
import org.pghardstorage.persistence.entity.JobRunEntity;

/**
 * The catalogue's record of job runs. Each change commits on its own ({@code REQUIRES_NEW}): the
 * batch runtime calls in from its own threads and a run's progress must be visible while it runs.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class JobRuns {
  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  @EJB private EventLog events;

  @jakarta.inject.Inject
  @org.eclipse.microprofile.metrics.annotation.RegistryScope(
      scope = org.eclipse.microprofile.metrics.MetricRegistry.APPLICATION_SCOPE)
  private org.eclipse.microprofile.metrics.MetricRegistry registry;

  /**
   * Records the start of a run.
   *
   * @throws HardstorageException {@code job.already_running} (CONFLICT) if a run of {@code job} for
   *     {@code deployment} is running
   */
  public long begin(String job, String deployment, String actor, String trigger) {
    Optional<JobRunEntity> running = running(job, deployment);
    if (running.isPresent()) {
      throw new HardstorageException(
          "job.already_running",
          ExitCode.CONFLICT,
          job + " of " + deployment + " is already running (job run " + running.get().getId() + ")",
          "wait for it: GET /api/v1/jobs/" + running.get().getId());
    }
    JobRunEntity j = new JobRunEntity(job, deployment, actor, trigger, ServerInstance.name());
    em.persist(j);
    em.flush();
    events.record(
        deployment, "job.started", "info", actor, job + " started (job run " + j.getId() + ")");
    return j.getId();
  }

  /** The running run of {@code job} for {@code deployment}, if any. */
  public Optional<JobRunEntity> running(String job, String deployment) {
    return em.createNamedQuery(JobRunEntity.RUNNING, JobRunEntity.class)
        .getResultStream()
        .filter(j -> j.getJob().equals(job) && j.getDeployment().equals(deployment))
        .findFirst();
  }

  /**
   * The running runs this instance owns, and those without an owner (started before catalogue
   * version 3): the ones its crash recovery may end or restart.
   */
  public List<JobRunView> runningHere() {
    return em.createNamedQuery(JobRunEntity.RUNNING, JobRunEntity.class)
        .getResultStream()
        .filter(j -> j.getServer() == null || j.getServer().equals(ServerInstance.name()))
        .map(JobRunView::of)
        .toList();
  }

  /** Tells the other instances that this one still runs its running runs. */
  public int heartbeat() {
    return em.createNativeQuery(
            "UPDATE job_run SET heartbeat_at = now() WHERE state = 'running' AND server = ?1")
        .setParameter(1, ServerInstance.name())
        .executeUpdate();
  }

  /**
   * Fails the running runs of other instances that have not beaten for {@code silence}: their
   * instance crashed and did not come back, and would otherwise block the next run of the job.
   *
   * @return how many runs were failed
   */
  public int failAbandoned(java.time.Duration silence) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT id, server, heartbeat_at::text FROM job_run WHERE state = 'running'"
                    + " AND server <> ?1 AND heartbeat_at < now() - make_interval(secs => ?2)"
                    + " FOR UPDATE SKIP LOCKED")
            .setParameter(1, ServerInstance.name())
            .setParameter(2, (double) silence.toSeconds())
            .getResultList();
    for (Object[] r : rows) {
      end(
          ((Number) r[0]).longValue(),
          "failed",
          "server instance "
              + r[1]
              + " that ran it has been silent since "
              + r[2]
              + "; another instance ended it");
    }
    return rows.size();
  }

  /** Ties a run to the batch execution that runs it (again, after a restart). */
  public void attach(long run, long executionId) {
    JobRunEntity j = require(run);
    if (j.getExecutionId() == null) {
      j.setExecutionId(executionId);
    } else if (j.getExecutionId() != executionId) {
      j.restarted(executionId);
    }
  }

  /** Records progress. */
  public void progress(long run, long done, long total) {
    require(run).progress(done, total);
  }

  /** Records a result while the run goes on (for example the id of the backup just committed). */
  public void result(long run, String result) {
    JobRunEntity j = require(run);
    j.ended(j.getState(), result, j.getError());
  }

  /** Records the end of a run and an event. */
  public void end(long run, String state, String error) {
    JobRunEntity j = require(run);
    j.ended(state, j.getResult(), error);
    if (state.equals("failed")) {
      registry
          .counter(
              "pg_hardstorage_job_failures",
              new org.eclipse.microprofile.metrics.Tag("deployment", j.getDeployment()),
              new org.eclipse.microprofile.metrics.Tag("job", j.getJob()))
          .inc();
    }
    String what = j.getJob() + " " + state + " (job run " + run + ")";
    events.record(
        j.getDeployment(),
        "job." + state,
        state.equals("completed") ? "info" : "error",
        j.getActor(),
        error == null ? what : what + ": " + error);
  }

  /** The newest run of {@code job} for {@code deployment}, whatever its state, if there is one. */
  public Optional<JobRunView> latest(String job, String deployment) {
    return em.createQuery(
            "SELECT j FROM JobRunEntity j WHERE j.deployment = :deployment AND j.job = :job"
                + " ORDER BY j.id DESC",
            JobRunEntity.class)
        .setParameter("deployment", deployment)
        .setParameter("job", job)
        .setMaxResults(1)
        .getResultStream()
        .findFirst()
        .map(JobRunView::of);
  }

  /** One run. */
  public Optional<JobRunView> find(long run) {
    return Optional.ofNullable(em.find(JobRunEntity.class, run)).map(JobRunView::of);
  }

  /** One page of runs (of one deployment, or all), newest first. */
  public Page<JobRunView> page(String deployment, Integer limit, String cursor) {
    int n = Page.limit(limit);
    var q =
        deployment == null
            ? em.createNamedQuery(JobRunEntity.PAGE_ALL, JobRunEntity.class)
            : em.createNamedQuery(JobRunEntity.PAGE, JobRunEntity.class)
                .setParameter("deployment", deployment);
    List<JobRunView> rows =
        q.setParameter("before", Page.before(cursor))
            .setMaxResults(n + 1)
            .getResultStream()
            .map(JobRunView::of)
            .toList();
    return Page.of(rows, n, JobRunView::id);
  }

  private JobRunEntity require(long run) {
    JobRunEntity j = em.find(JobRunEntity.class, run);
    if (j == null) {
      throw new HardstorageException(
          "job.not_found", ExitCode.NOT_FOUND, "no job run " + run, "list them: GET /api/v1/jobs");
    }
    return j;
  }
}
