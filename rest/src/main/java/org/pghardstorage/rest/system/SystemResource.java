package org.pghardstorage.rest.system;

import jakarta.batch.runtime.JobExecution;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Properties;
import org.pghardstorage.batch.JobLauncher;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.system.ExecutorProbe;
import org.pghardstorage.rest.problem.Problem;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/** Self-checks of the server: the batch runtime, the managed executor, and the event trail. */
@RequestScoped
@Path("system")
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {
  static final String SELFCHECK_JOB = "system-selfcheck";

  @EJB private JobLauncher jobs;
  @EJB private ExecutorProbe probe;
  @EJB private EventLog events;

  /**
   * A batch job execution.
   *
   * @param id execution id
   * @param job job name
   * @param status batch status (STARTING, STARTED, COMPLETED, FAILED, …)
   * @param exitStatus the job's exit status, when it has one
   */
  public record JobView(long id, String job, String status, String exitStatus) {}

  /**
   * One event.
   *
   * @param id event id
   * @param occurredAt when
   * @param kind dotted kind
   * @param severity info, warning or error
   * @param actor who
   * @param message what
   */
  public record EventView(
      long id, String occurredAt, String kind, String severity, String actor, String message) {}

  @POST
  @Path("selfcheck")
  @Requires(Role.OPERATOR)
  public Response startSelfCheck(@Context SecurityContext security, @Context UriInfo uri) {
    Properties params = new Properties();
    params.setProperty("actor", security.getUserPrincipal().getName());
    long id = jobs.start(SELFCHECK_JOB, params);
    return Response.accepted(view(jobs.execution(id).orElseThrow()))
        .location(uri.getBaseUriBuilder().path("system/jobs/{id}").build(id))
        .build();
  }

  @GET
  @Path("jobs/{id}")
  @Requires(Role.VIEWER)
  public Response job(@PathParam("id") long id) {
    return jobs.execution(id)
        .map(e -> Response.ok(view(e)).build())
        .orElseGet(
            () ->
                Problem.response(404, "job.not_found", "Not Found", "no job execution " + id)
                    .build());
  }

  @POST
  @Path("executor-probe")
  @Requires(Role.OPERATOR)
  public ExecutorProbe.Result executorProbe() {
    return probe.run();
  }

  @GET
  @Path("events")
  @Requires(Role.VIEWER)
  public List<EventView> events(@QueryParam("limit") Integer limit) {
    int n = limit == null ? 50 : Math.max(1, Math.min(limit, 500));
    return events.recent(n).stream()
        .map(
            e ->
                new EventView(
                    e.getId(),
                    e.getOccurredAt().toString(),
                    e.getKind(),
                    e.getSeverity(),
                    e.getActor(),
                    e.getMessage()))
        .toList();
  }

  private static JobView view(JobExecution e) {
    return new JobView(
        e.getExecutionId(), e.getJobName(), e.getBatchStatus().name(), e.getExitStatus());
  }
}
