package org.pghardstorage.ejb.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.restore.RestorePreview;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.core.restore.RestoreResult;
import org.pghardstorage.core.restore.Restorer;
import org.pghardstorage.core.task.ProgressListener;
import org.pghardstorage.ejb.catalogue.RestorePlans;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.Protected;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.job.JobRuns;
import org.pghardstorage.ejb.metrics.StorageRetries;

/**
 * A restore on the server host, the console's and the API's {@code restore} job: planned like any
 * restore by {@link RestorePlanning} (the engine's preview, kept in the catalogue) into a directory
 * {@link ServerRestoreRoots} allows, started only with a confirmation that names the deployment or
 * the directory, and carried out by the engine's {@link Restorer} exactly as planned: the job
 * restores the plan's backup (never a newer "latest") and refuses when a fresh preview would write
 * anything the kept one did not show. The restored cluster's {@code restore_command} runs this
 * host's {@code pg_hardstorage} launcher ({@value ServerRestoreRoots#LAUNCHER_PROPERTY}), as the
 * command line's restore writes it.
 */
@Stateless
public class ServerRestore {
  /** The job parameter naming the kept plan. */
  public static final String PLAN = "plan";

  /** The job parameter holding the typed confirmation. */
  public static final String CONFIRM = "confirm";

  /** The fields of a preview that say what a restore writes; a restore runs only if they agree. */
  static final List<String> WRITES =
      List.of("backup_id", "target", "files", "bytes", "tablespaces", "recovery", "directories");

  @EJB private RestorePlanning planning;
  @EJB private RestorePlans plans;
  @EJB private DeploymentService deployments;
  @EJB private StorageRetries retries;
  @EJB private JobRuns runs;
  @EJB private EventLog events;

  /**
   * A plan the server may carry out.
   *
   * @param id the plan's id
   * @param request what was asked, the target the real directory the roots allowed
   * @param plan the plan document
   */
  public record Approved(long id, RestorePlanRequest request, JsonNode plan) {}

  /** The allowed roots, as the server's configuration sets them now (read here only). */
  public static ServerRestoreRoots roots() {
    Config config = ConfigProvider.getConfig();
    return ServerRestoreRoots.from(name -> config.getOptionalValue(name, String.class));
  }

  /** The launcher a restored cluster's {@code restore_command} runs on this host. */
  public static String launcher() {
    return ConfigProvider.getConfig()
        .getOptionalValue(ServerRestoreRoots.LAUNCHER_PROPERTY, String.class)
        .filter(s -> !s.isBlank())
        .map(String::strip)
        .orElse(ServerRestoreRoots.DEFAULT_LAUNCHER);
  }

  /**
   * What the operator must know about {@code launcher} before restoring with it, or blank when it
   * is an executable file here: PostgreSQL started on the restored directory runs it for every WAL
   * file.
   */
  public static String launcherProblem(String launcher) {
    Path p = Path.of(launcher);
    if (p.isAbsolute() && Files.isRegularFile(p) && Files.isExecutable(p)) {
      return "";
    }
    return "The restored cluster's restore_command runs \""
        + launcher
        + "\", which is "
        + (p.isAbsolute() ? "not an executable file on this host" : "not an absolute path")
        + ": PostgreSQL started on the restored directory would fail to fetch WAL. Install the"
        + " pg_hardstorage command line on this host and set the server setting "
        + ServerRestoreRoots.LAUNCHER_PROPERTY
        + " to its bin/pg_hardstorage, or edit restore_command in the restored directory's"
        + " postgresql.auto.conf before starting it.";
  }

  /**
   * Plans a restore on this host into {@code r.target()}: the directory must be one the roots
   * allow, and the plan names it as it really is, with this host's launcher and no force.
   *
   * @throws HardstorageException what {@link ServerRestoreRoots#check} refuses, or what {@link
   *     RestorePlanning#plan} does
   */
  public RestorePlanning.Planned plan(String name, RestorePlanRequest r, String actor) {
    Path real = roots().check(r.target());
    return planning.plan(
        name,
        new RestorePlanRequest(
            r.backup(),
            real.toString(),
            r.time(),
            r.lsn(),
            r.name(),
            r.xid(),
            r.latest(),
            r.action(),
            r.timeline(),
            launcher(),
            false),
        actor);
  }

  /**
   * Checks a request to start the {@code restore} job before anything is started: its plan is one
   * of {@code deployment}'s, made for this host, ready, still writing only into allowed, absent or
   * empty directories, and {@code confirm} names the deployment or the plan's target directory.
   *
   * @throws HardstorageException {@code restore.server_disabled}, {@code
   *     restore.target_not_allowed}, {@code restore.target_not_empty}, {@code
   *     restore_plan.not_found} (NOT_FOUND), {@code restore.plan_not_for_server} (USAGE), {@code
   *     restore.plan_not_ready} (CONFLICT), {@code restore.not_confirmed} (USAGE)
   */
  public Approved approve(String deployment, Map<String, String> parameters) {
    Approved a = approved(deployment, parameters.get(PLAN));
    confirmed(deployment, a, parameters.get(CONFIRM));
    return a;
  }

  /**
   * Refuses a confirmation that names neither the deployment nor the plan's target directory.
   *
   * @throws HardstorageException {@code restore.not_confirmed} (USAGE)
   */
  static void confirmed(String deployment, Approved a, String typed) {
    String confirm = typed == null ? "" : typed.strip();
    if (!confirm.equals(deployment) && !confirm.equals(a.request().target())) {
      throw new HardstorageException(
          "restore.not_confirmed",
          ExitCode.USAGE,
          "the confirmation \""
              + confirm
              + "\" names neither the deployment "
              + deployment
              + " nor the directory "
              + a.request().target()
              + "; nothing was restored",
          "type the deployment's name or the target directory exactly to confirm");
    }
  }

  /** {@link #approve} without the confirmation: what the job checks again when it runs. */
  Approved approved(String deployment, String planId) {
    return approved(roots(), launcher(), deployment, planId, id -> plans.kept(deployment, id));
  }

  /**
   * Whether kept plan {@code planId} of {@code deployment} may be carried out on this server, with
   * these roots and this launcher.
   */
  static Approved approved(
      ServerRestoreRoots roots,
      String launcher,
      String deployment,
      String planId,
      Function<Long, Optional<RestorePlans.Kept>> kept) {
    if (!roots.enabled()) {
      roots.check(""); // throws restore.server_disabled, with how to enable it
    }
    long id;
    try {
      id = Long.parseLong(planId == null ? "" : planId.strip());
    } catch (NumberFormatException e) {
      throw new HardstorageException(
          "usage.bad_job",
          ExitCode.USAGE,
          "job parameter plan is missing or not a plan id: "
              + (planId == null ? "none given" : "\"" + planId + "\""),
          "plan the restore first (POST /api/v1/deployments/"
              + deployment
              + "/restore-plans) and give its id as parameter plan");
    }
    RestorePlans.Kept k =
        kept.apply(id)
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "restore_plan.not_found",
                        ExitCode.NOT_FOUND,
                        "no restore plan " + id + " of " + deployment,
                        "list them with GET /api/v1/deployments/" + deployment + "/restore-plans"));
    RestorePlanRequest request = read(k.request(), RestorePlanRequest.class);
    JsonNode plan = read(k.plan(), JsonNode.class);
    if (!launcher.equals(request.launcher())
        || Boolean.TRUE.equals(request.force())
        || request.target() == null
        || !roots.check(request.target()).toString().equals(request.target())) {
      throw new HardstorageException(
          "restore.plan_not_for_server",
          ExitCode.USAGE,
          "restore plan "
              + id
              + " was not made for a restore on this server (its target, force or launcher"
              + " differ from what this server would write)",
          "plan it in the console's planner, or POST …/restore-plans with target a directory"
              + " inside the server's restore roots as it really is, no force, and launcher \""
              + launcher
              + "\"");
    }
    for (JsonNode d : plan.path("directories")) {
      if (!d.path("path").asText().equals(request.target())) {
        roots.check(d.path("path").asText()); // a tablespace or WAL directory: allowed too
      }
    }
    if (!plan.path("ready").asBoolean(false)) {
      throw new HardstorageException(
          "restore.plan_not_ready",
          ExitCode.CONFLICT,
          "restore plan " + id + " is not ready: " + plan.path("problems"),
          "fix what the plan lists and plan again");
    }
    return new Approved(id, request, plan);
  }

  /**
   * Carries out plan {@code planId} as job run {@code run}: checks it again, previews the restore
   * of the plan's own backup and refuses unless that preview writes what the plan showed, then
   * restores, reporting progress to the run; returns the result document ({@code pg_hardstorage
   * restore --output json}'s).
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public String restore(String deployment, String planId, long run, String actor) {
    Approved a = approved(deployment, planId);
    Protected p = deployments.require(deployment);
    RestorePlanRequest r = a.request();
    // the plan's backup, by id: a backup taken since must not change what is restored
    RestorePlanRequest pinned =
        new RestorePlanRequest(
            a.plan().path("backup_id").asText(),
            r.target(),
            r.time(),
            r.lsn(),
            r.name(),
            r.xid(),
            r.latest(),
            r.action(),
            r.timeline(),
            r.launcher(),
            false);
    RestoreRequest request = RestorePlanning.request(p, pinned);
    RestoreResult result;
    try (OpenedRepository o = p.open(retries.listener(deployment))) {
      Restorer restorer = new Restorer(o.repository());
      RestorePreview now = restorer.preview(request);
      // both as parsed JSON text, so that numbers compare as the same node types
      JsonNode fresh = read(ResultJson.write(now), JsonNode.class);
      for (String field : WRITES) {
        if (!fresh.path(field).equals(a.plan().path(field))) {
          throw new HardstorageException(
              "restore.plan_changed",
              ExitCode.CONFLICT,
              "restore plan "
                  + a.id()
                  + " no longer holds: its "
                  + field
                  + " was "
                  + a.plan().path(field)
                  + ", a restore now would give "
                  + fresh.path(field)
                  + "; nothing was restored",
              "plan again, review the new plan, and start that");
        }
      }
      if (!now.problems().isEmpty()) {
        throw new HardstorageException(
            "restore.plan_not_ready",
            ExitCode.CONFLICT,
            "restore plan " + a.id() + " cannot run now: " + now.problems(),
            "fix what is listed and plan again");
      }
      result = restorer.restore(request, progress(run));
    }
    String document = ResultJson.write(result);
    events.record(
        deployment,
        "restore.completed",
        "info",
        actor,
        "restored backup "
            + result.backupId()
            + " into "
            + result.target()
            + " on this server (restore plan "
            + a.id()
            + ")");
    return document;
  }

  /** Reports the restore's progress to the run, at most every half second (a write each). */
  private ProgressListener progress(long run) {
    long[] last = {0};
    return progress -> {
      long now = System.nanoTime();
      boolean done =
          progress.bytesTotal() > 0
              ? progress.bytesDone() == progress.bytesTotal()
              : progress.itemsDone() == progress.itemsTotal();
      if (done || now - last[0] > 500_000_000L) {
        last[0] = now;
        if (progress.bytesTotal() > 0) {
          runs.progress(run, progress.bytesDone(), progress.bytesTotal());
        } else {
          runs.progress(run, progress.itemsDone(), progress.itemsTotal());
        }
      }
    };
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return ResultJson.mapper().readValue(json, type);
    } catch (JsonProcessingException e) {
      // the catalogue keeps what this server wrote: unreadable, it is the server's fault
      throw new IllegalStateException("a kept restore plan is not readable JSON", e);
    }
  }
}
