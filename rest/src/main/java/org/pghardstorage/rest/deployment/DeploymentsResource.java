package org.pghardstorage.rest.deployment;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import java.util.Map;
import org.pghardstorage.batch.DeploymentChanges;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.catalogue.BackupView;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.DeploymentSpec;
import org.pghardstorage.ejb.deployment.DeploymentView;
import org.pghardstorage.ejb.status.DeploymentOverview;
import org.pghardstorage.ejb.status.DeploymentStatusService;
import org.pghardstorage.ejb.streamer.StreamerControl;
import org.pghardstorage.ejb.streamer.StreamerSupervisor;
import org.pghardstorage.rest.EngineJson;
import org.pghardstorage.rest.Pages;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/**
 * {@code /api/v1/deployments}: the protected databases (admin changes them, viewers read them),
 * their connection test, streamer, backups, WAL coverage and verification results.
 */
@RequestScoped
@Path("deployments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeploymentsResource {
  @EJB private DeploymentService deployments;
  @EJB private CatalogueService catalogue;
  @EJB private StreamerSupervisor streamers;
  @EJB private DeploymentChanges changes;
  @EJB private StreamerControl streamerControl;
  @EJB private DeploymentStatusService status;

  @Context private SecurityContext security;
  @Context private UriInfo uri;

  @GET
  @Requires(Role.VIEWER)
  public List<DeploymentView> list() {
    return deployments.list();
  }

  /**
   * Every deployment at a glance: exactly the figures the console's dashboard shows, from the same
   * service call, with a figure the server cannot tell as null (docs/reference/rest-api.md).
   */
  @GET
  @Path("overview")
  @Requires(Role.VIEWER)
  public Response overview() {
    return EngineJson.ok(overviewDocument(status.overviews()));
  }

  /** The overview's document: {@code {"deployments": [...]}}, one object per deployment. */
  static Map<String, List<DeploymentOverview>> overviewDocument(List<DeploymentOverview> all) {
    return Map.of("deployments", all);
  }

  @POST
  @Requires(Role.ADMIN)
  public Response create(DeploymentSpec spec) {
    DeploymentView d = changes.create(spec, actor());
    return Response.created(uri.getAbsolutePathBuilder().path(d.name()).build()).entity(d).build();
  }

  @GET
  @Path("{d}")
  @Requires(Role.VIEWER)
  public DeploymentView get(@PathParam("d") String name) {
    return deployments.find(name).orElseThrow(() -> notFound(name));
  }

  @PUT
  @Path("{d}")
  @Requires(Role.ADMIN)
  public DeploymentView update(@PathParam("d") String name, DeploymentSpec spec) {
    return changes.update(name, spec, actor());
  }

  @DELETE
  @Path("{d}")
  @Requires(Role.ADMIN)
  public Response delete(@PathParam("d") String name) {
    changes.delete(name, actor());
    return Response.noContent().build();
  }

  /** Runs the WAL preflight with the stored connection: reachability, credentials, settings. */
  @POST
  @Path("{d}/connection-test")
  @Requires(Role.OPERATOR)
  public Response connectionTest(@PathParam("d") String name) {
    return EngineJson.ok(status.connectionTest(name));
  }

  /** The streamer's state on this server, and which instance holds its lease. */
  @GET
  @Path("{d}/streamer")
  @Requires(Role.VIEWER)
  public Response streamer(@PathParam("d") String name) {
    return EngineJson.ok(streamerControl.view(name));
  }

  @POST
  @Path("{d}/streamer/start")
  @Requires(Role.OPERATOR)
  public Response startStreamer(@PathParam("d") String name) {
    return EngineJson.ok(streamerControl.set(name, true, actor()));
  }

  @POST
  @Path("{d}/streamer/stop")
  @Requires(Role.OPERATOR)
  public Response stopStreamer(@PathParam("d") String name) {
    return EngineJson.ok(streamerControl.set(name, false, actor()));
  }

  @GET
  @Path("{d}/backups")
  @Requires(Role.VIEWER)
  public Pages<BackupView> backups(
      @PathParam("d") String name,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    return Pages.of(catalogue.backups(name, limit, cursor), uri);
  }

  @GET
  @Path("{d}/backups/{id}")
  @Requires(Role.VIEWER)
  public BackupView backup(@PathParam("d") String name, @PathParam("id") String id) {
    return catalogue.backup(name, id);
  }

  /** The backup's latest verification as recorded in the repository. */
  @GET
  @Path("{d}/backups/{id}/verification")
  @Requires(Role.VIEWER)
  public Response verification(@PathParam("d") String name, @PathParam("id") String id) {
    return EngineJson.ok(status.verification(name, id));
  }

  /**
   * The deployment's health by the one model (docs/reference/health.md), the document {@code
   * pg_hardstorage status} shows.
   */
  @GET
  @Path("{d}/health")
  @Requires(Role.VIEWER)
  public Response health(@PathParam("d") String name) {
    return EngineJson.ok(status.health(name));
  }

  /** WAL timelines and coverage from the repository, as {@code wal audit} reports them. */
  @GET
  @Path("{d}/wal")
  @Requires(Role.VIEWER)
  public Response wal(@PathParam("d") String name) {
    return EngineJson.ok(status.walAudit(name));
  }

  private String actor() {
    return security.getUserPrincipal().getName();
  }

  private static HardstorageException notFound(String name) {
    return new HardstorageException(
        "deployment.not_found",
        ExitCode.NOT_FOUND,
        "no deployment '" + name + "' in the catalogue",
        "list them with GET /api/v1/deployments");
  }
}
