package org.pghardstorage.rest.deployment;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.RecoveryTarget;
import org.pghardstorage.core.restore.RestoreCommands;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.core.restore.Restorer;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.metrics.StorageRetries;
import org.pghardstorage.rest.EngineJson;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/**
 * {@code POST /api/v1/deployments/{d}/restore-plans}: what a restore would do, computed by the
 * engine's {@link Restorer#preview} and written exactly as {@code pg_hardstorage restore --preview
 * --output json} writes its result. Nothing is written anywhere.
 */
@RequestScoped
@Path("deployments/{d}/restore-plans")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RestorePlansResource {
  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;

  @POST
  @Requires(Role.VIEWER)
  public Response plan(@PathParam("d") String name, RestorePlanRequest r) {
    if (r == null || r.target() == null || !java.nio.file.Path.of(r.target()).isAbsolute()) {
      throw usage("target", "an absolute data directory path, e.g. /srv/recover");
    }
    Protected p = deployments.require(name);
    String launcher = r.launcher() != null ? r.launcher() : "pg_hardstorage";
    RestoreRequest.Builder b =
        RestoreRequest.builder(
                p.deployment(),
                java.nio.file.Path.of(r.target()).normalize(),
                RestoreCommands.walFetch(launcher, p.deployment(), p.repositoryUrl()))
            .backup(BackupSelector.parse(r.backup() != null ? r.backup() : "latest"))
            .force(Boolean.TRUE.equals(r.force()))
            .recoveryTarget(target(r))
            .targetTimeline(r.timeline() != null ? r.timeline() : "latest");
    if (r.action() != null) {
      b.targetAction(r.action());
    }
    try (OpenedRepository o = p.open(retries.listener(name))) {
      return EngineJson.ok(new Restorer(o.repository()).preview(b.build()));
    }
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
}
