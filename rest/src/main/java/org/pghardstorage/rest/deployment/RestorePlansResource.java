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
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.RecoveryKey;
import org.pghardstorage.core.restore.RecoveryTarget;
import org.pghardstorage.core.restore.RestoreCommands;
import org.pghardstorage.core.restore.RestorePreview;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.core.restore.Restorer;
import org.pghardstorage.ejb.catalogue.RestorePlans;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.metrics.StorageRetries;
import org.pghardstorage.rest.Pages;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/**
 * {@code /api/v1/deployments/{d}/restore-plans}: what a restore would do, computed by the engine's
 * {@link Restorer#preview} and written exactly as {@code pg_hardstorage restore --preview --output
 * json} writes its result. Nothing is restored and the repository is not written; the plan is kept
 * in the catalogue, so whoever carries out the restore reads exactly what was reviewed.
 */
@RequestScoped
@Path("deployments/{d}/restore-plans")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RestorePlansResource {
  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;

  @EJB private RestorePlans plans;

  @Context private SecurityContext security;

  @Context private UriInfo uri;

  /** Plans a restore: 201 with the plan document, its URL in {@code Location}. */
  @POST
  @Requires(Role.VIEWER)
  public Response plan(@PathParam("d") String name, RestorePlanRequest r) {
    if (r == null || r.target() == null || !java.nio.file.Path.of(r.target()).isAbsolute()) {
      throw usage("target", "an absolute data directory path, e.g. /srv/recover");
    }
    Protected p = deployments.require(name);
    String launcher = r.launcher() != null ? r.launcher() : "pg_hardstorage";
    RecoveryKey key = recoveryKey(p);
    RestoreRequest.Builder b =
        RestoreRequest.builder(
                p.deployment(),
                java.nio.file.Path.of(r.target()).normalize(),
                RestoreCommands.walFetch(launcher, p.deployment(), p.repositoryUrl(), key))
            .recoveryKey(key)
            // the plan is made here, the restore on the database host: access is checked there
            .checkRecoveryAccess(false)
            .backup(BackupSelector.parse(r.backup() != null ? r.backup() : "latest"))
            .force(Boolean.TRUE.equals(r.force()))
            .recoveryTarget(target(r))
            .targetTimeline(r.timeline() != null ? r.timeline() : "latest");
    if (r.action() != null) {
      b.targetAction(r.action());
    }
    RestorePreview preview;
    try (OpenedRepository o = p.open(retries.listener(name))) {
      preview = new Restorer(o.repository()).preview(b.build());
    }
    String document = ResultJson.write(preview);
    long id =
        plans.keep(
            name,
            security.getUserPrincipal().getName(),
            ResultJson.write(r),
            document,
            preview.ready());
    return Response.created(uri.getAbsolutePathBuilder().path(String.valueOf(id)).build())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(document)
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

  private static RecoveryTarget target(RestorePlanRequest r) {
    if (r.time() != null) {
      try {
        return new RecoveryTarget.Time(OffsetDateTime.parse(r.time()).toInstant());
      } catch (DateTimeParseException e) {
        throw usage("time", "ISO-8601 with an offset, e.g. 2026-11-30T02:40:00Z");
      }
    }
    if (r.lsn() != null) {
      try {
        return new RecoveryTarget.AtLsn(Lsn.parse(r.lsn()));
      } catch (IllegalArgumentException e) {
        throw usage("lsn", "an LSN as X/Y, e.g. 0/3000028");
      }
    }
    if (r.name() != null) {
      return new RecoveryTarget.Named(r.name());
    }
    if (r.xid() != null) {
      return new RecoveryTarget.Xid(r.xid());
    }
    if (Boolean.TRUE.equals(r.latest())) {
      return new RecoveryTarget.Latest();
    }
    return new RecoveryTarget.Immediate();
  }

  private static HardstorageException usage(String field, String expected) {
    return new HardstorageException(
        "usage.bad_restore_plan",
        ExitCode.USAGE,
        "field " + field + " is missing or invalid",
        "give " + field + " as " + expected);
  }

  /**
   * The key a restore_command on the restoring host gets: the deployment's passphrase file, if its
   * key is one; another kind of reference (an environment variable or alias of this server) cannot
   * reach it, which the plan then lists as a problem.
   */
  private static RecoveryKey recoveryKey(Protected p) {
    if (p.kekRef() == null) {
      return RecoveryKey.none();
    }
    if (p.kekRef().startsWith("file:")) {
      return new RecoveryKey.PassphraseFile(
          java.nio.file.Path.of(p.kekRef().substring("file:".length())));
    }
    return new RecoveryKey.Unavailable("the deployment's key reference " + p.kekRef());
  }
}
