package org.pghardstorage.rest.job;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
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
import java.util.Map;
import org.pghardstorage.batch.JobService;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.rest.Pages;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/**
 * {@code /api/v1/jobs}: operators start base-backup and verify jobs; viewers follow their progress
 * and history. A second run of a kind for one deployment is refused with 409.
 */
@RequestScoped
@Path("jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
  @EJB private JobService jobs;
  @EJB private JobRuns runs;

  @Context private SecurityContext security;
  @Context private UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Requires(Role.OPERATOR)
  public Response start(JobStart start) {
    if (start == null || start.job() == null || start.deployment() == null) {
      throw new HardstorageException(
          "usage.bad_job",
          ExitCode.USAGE,
          "a job start needs job and deployment",
          "POST {\"job\": \"base-backup\", \"deployment\": \"db1\"}");
    }
    JobRunView run =
        jobs.start(
            start.job(),
            start.deployment(),
            security.getUserPrincipal().getName(),
            "api",
            start.parameters() != null ? start.parameters() : Map.of());
    return Response.accepted(run)
        .location(uri.getBaseUriBuilder().path("jobs/{id}").build(run.id()))
        .build();
  }

  @GET
  @Requires(Role.VIEWER)
  public Pages<JobRunView> history(
      @QueryParam("deployment") String deployment,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    return Pages.of(runs.page(deployment, limit, cursor), uri);
  }

  @GET
  @Path("{id}")
  @Requires(Role.VIEWER)
  public JobRunView get(@PathParam("id") long id) {
    return runs.find(id)
        .orElseThrow(
            () ->
                new HardstorageException(
                    "job.not_found",
                    ExitCode.NOT_FOUND,
                    "no job run " + id,
                    "list them with GET /api/v1/jobs"));
  }
}
