package org.pghardstorage.rest.deployment;

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
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.catalogue.RestorePlans;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.restore.RestorePlanRequest;
import org.pghardstorage.ejb.restore.RestorePlanning;
import org.pghardstorage.rest.Pages;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/**
 * {@code /api/v1/deployments/{d}/restore-plans}: what a restore would do, planned by {@link
 * RestorePlanning} (the engine's preview, written exactly as {@code pg_hardstorage restore
 * --preview --output json} writes its result) and kept in the catalogue.
 */
@RequestScoped
@Path("deployments/{d}/restore-plans")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RestorePlansResource {
  @EJB private DeploymentService deployments;
  @EJB private RestorePlans plans;
  @EJB private RestorePlanning planning;

  @Context private SecurityContext security;

  @Context private UriInfo uri;

  /** Plans a restore: 201 with the plan document, its URL in {@code Location}. */
  @POST
  @Requires(Role.VIEWER)
  public Response plan(@PathParam("d") String name, RestorePlanRequest r) {
    RestorePlanning.Planned planned = planning.plan(name, r, security.getUserPrincipal().getName());
    return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(planned.id())).build())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(planned.document())
        .build();
  }

  /** The plans asked for, newest first (paginated; each without its document). */
  @GET
  @Requires(Role.VIEWER)
  public Pages<RestorePlans.PlanView> list(
      @PathParam("d") String name,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    deployments.require(name);
    return Pages.of(plans.page(name, limit, cursor), uri);
  }

  /** One plan's document, exactly as its POST returned it. */
  @GET
  @Path("{id}")
  @Requires(Role.VIEWER)
  public Response one(@PathParam("d") String name, @PathParam("id") long id) {
    return plans
        .plan(name, id)
        .map(doc -> Response.ok(doc, MediaType.APPLICATION_JSON_TYPE).build())
        .orElseThrow(
            () ->
                new HardstorageException(
                    "restore_plan.not_found",
                    ExitCode.NOT_FOUND,
                    "no restore plan " + id + " of " + name,
                    "list them with GET /api/v1/deployments/" + name + "/restore-plans"));
  }
}
