package org.pghardstorage.ejb.restore;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.pghardstorage.core.deployment.SecretRef;
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

/**
 * Plans a restore of a deployment: what {@code pg_hardstorage restore --preview} computes, by the
 * engine's {@link Restorer#preview}, written as its {@code --output json} document. Nothing is
 * restored and the repository is not written; the plan is kept in the catalogue, so whoever carries
 * out the restore reads exactly what was reviewed.
 */
@Stateless
public class RestorePlanning {
  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;
  @EJB private RestorePlans plans;

  /**
   * A plan kept in the catalogue.
   *
   * @param id its id
   * @param document the preview document, as {@code restore --preview --output json} writes it
   */
  public record Planned(long id, String document) {}

  /**
   * Plans a restore of {@code name} as {@code actor} asked for it, and keeps the plan.
   *
   * @throws HardstorageException {@code usage.bad_restore_plan} (USAGE) naming the bad field,
   *     {@code deployment.not_found}, or what reading the repository fails with
   */
  public Planned plan(String name, RestorePlanRequest r, String actor) {
    requireTarget(r); // a malformed request is refused before anything is looked up
    Protected p = deployments.require(name);
    RestoreRequest request = request(p, r);
    RestorePreview preview;
    try (OpenedRepository o = p.open(retries.listener(name))) {
      preview = new Restorer(o.repository()).preview(request);
    }
    String document = ResultJson.write(preview);
    long id = plans.keep(name, actor, ResultJson.write(r), document, preview.ready());
    return new Planned(id, document);
  }

  /**
   * The engine's request for {@code r}: the restore runs on the database host, so the recovery
   * access is checked there, not here.
   *
   * @throws HardstorageException {@code usage.bad_restore_plan} (USAGE) naming the bad field
   */
  static RestoreRequest request(Protected p, RestorePlanRequest r) {
    requireTarget(r);
    String launcher = r.launcher() != null ? r.launcher() : "pg_hardstorage";
    RecoveryKey key = recoveryKey(p);
    RestoreRequest.Builder b =
        RestoreRequest.builder(
                p.deployment(),
                Path.of(r.target()).normalize(),
                RestoreCommands.walFetch(launcher, p.deployment(), p.repositoryUrl(), key))
            .recoveryKey(key)
            .checkRecoveryAccess(false)
            .backup(BackupSelector.parse(r.backup() != null ? r.backup() : "latest"))
            .force(Boolean.TRUE.equals(r.force()))
            .recoveryTarget(target(r))
            .targetTimeline(r.timeline() != null ? r.timeline() : "latest");
    if (r.action() != null) {
      b.targetAction(r.action());
    }
    return b.build();
  }

  private static void requireTarget(RestorePlanRequest r) {
    if (r == null || r.target() == null || !Path.of(r.target()).isAbsolute()) {
      throw usage(
          "target",
          r == null ? null : r.target(),
          "an absolute data directory path, e.g. /srv/recover");
    }
  }

  static RecoveryTarget target(RestorePlanRequest r) {
    if (r.time() != null) {
      try {
        return new RecoveryTarget.Time(OffsetDateTime.parse(r.time()).toInstant());
      } catch (DateTimeParseException e) {
        throw usage("time", r.time(), "ISO-8601 with an offset, e.g. 2026-11-30T02:40:00Z");
      }
    }
    if (r.lsn() != null) {
      try {
        return new RecoveryTarget.AtLsn(Lsn.parse(r.lsn()));
      } catch (IllegalArgumentException e) {
        throw usage("lsn", r.lsn(), "an LSN as X/Y, e.g. 0/3000028");
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

  /**
   * The error of a request field that is missing or invalid, as the API answers it (400) and the
   * console's planner shows it: naming the field, the value given and what it must be.
   *
   * @param field the request field
   * @param value the value given, or {@code null} when none was
   * @param expected what it must be, with an example
   */
  public static HardstorageException usage(String field, String value, String expected) {
    return new HardstorageException(
        "usage.bad_restore_plan",
        ExitCode.USAGE,
        "field "
            + field
            + " is missing or invalid: "
            + (value == null ? "none given" : "\"" + value + "\""),
        "give " + field + " as " + expected);
  }

  /**
   * The key a restore_command on the restoring host gets: the deployment's passphrase file, if its
   * key is a {@code file:} reference; another kind (an environment variable or alias of this
   * server) cannot reach it, which the plan then lists as a problem.
   */
  static RecoveryKey recoveryKey(Protected p) {
    if (p.kekRef() == null) {
      return RecoveryKey.none();
    }
    SecretRef ref = SecretRef.parse(p.kekRef(), "kek_ref");
    if (ref.kind() == SecretRef.Kind.FILE) {
      return new RecoveryKey.PassphraseFile(Path.of(ref.name()));
    }
    return new RecoveryKey.Unavailable("the deployment's key reference " + ref);
  }
}
