package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import java.util.Map;
import java.util.logging.Logger;
import org.pghardstorage.batch.JobService;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.restore.ServerRestore;
import org.pghardstorage.ejb.restore.ServerRestoreRoots;

/**
 * The planner's restore on this server: whether it is on (the server's restore roots), and the
 * typed confirmation that starts the {@code restore} job of a kept plan through {@link JobService},
 * as {@code POST /api/v1/jobs} does. Operators and admins only: a viewer is shown no control, and a
 * forged post (of the confirmation, or of the planner's server button) is answered 403 with nothing
 * planned, started or written.
 */
@Named
@RequestScoped
public class ServerRestoreAction {
  /** The confirmation form. */
  static final String FORM = "restore-confirm";

  /** The planner's button that plans a restore on this server. */
  static final String PLAN_BUTTON = "planner:plan-server";

  private static final Logger LOG = Logger.getLogger(ServerRestoreAction.class.getName());

  @EJB private JobService jobs;

  private String confirm = "";
  private String started = "";
  private Long startedRun;
  private String refused = "";
  private EngineError error;

  /** Starts the restore of the posted plan, if the confirmation names the deployment or target. */
  public String start() {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    if (!SessionView.mayAct(ec::isUserInRole)) {
      refused = refuse(ec);
      return null;
    }
    String plan = ec.getRequestParameterMap().getOrDefault(ServerRestore.PLAN, "");
    try {
      JobRunView run =
          jobs.start(
              "restore",
              DeploymentPage.requestedName(),
              ec.getUserPrincipal().getName(),
              "console",
              Map.of(ServerRestore.PLAN, plan, ServerRestore.CONFIRM, confirm));
      startedRun = run.id();
      started = JobActions.started(run);
    } catch (HardstorageException | EJBException e) {
      error = EngineError.of(e);
    }
    return null;
  }

  /**
   * Refuses, before the page is rendered, a post of the confirmation or of the planner's server
   * button by a user who may not act: neither is rendered for such a user, so Faces never calls
   * their action.
   */
  public void refuseForgedAction() {
    FacesContext fc = FacesContext.getCurrentInstance();
    ExternalContext ec = fc.getExternalContext();
    if (fc.isPostback()
        && posts(ec.getRequestParameterMap())
        && !SessionView.mayAct(ec::isUserInRole)) {
      refused = refuse(ec);
    }
  }

  /** Whether a request's parameters post the confirmation or ask to plan on the server. */
  static boolean posts(Map<String, String> parameters) {
    return parameters.keySet().stream()
        .anyMatch(k -> k.equals(FORM) || k.startsWith(FORM + ":") || k.equals(PLAN_BUTTON));
  }

  /** Answers 403 and says why; returns what it said. */
  static String refuse(ExternalContext ec) {
    String user = ec.getUserPrincipal() == null ? "anonymous" : ec.getUserPrincipal().getName();
    String why = refusal(user);
    ec.setResponseStatus(403);
    ec.getRequestMap().put("serverRestoreRefused", why);
    LOG.warning(() -> "console: " + why);
    return why;
  }

  static String refusal(String user) {
    return "Not allowed: restoring on the server needs the operator or admin role, and "
        + user
        + " has neither. Nothing was planned or restored.";
  }

  /** Why restoring on this server is not available, with how to enable it; blank when it is on. */
  public String getOff() {
    try {
      ServerRestoreRoots roots = ServerRestore.roots();
      if (roots.enabled()) {
        return "";
      }
      roots.check(""); // says it is off and how to enable it
      return "";
    } catch (HardstorageException e) {
      return e.getMessage() + ". " + e.suggestion().orElse("");
    }
  }

  /** The directories a restore on this server may write into. */
  public String getRoots() {
    try {
      return String.join(
          ", ", ServerRestore.roots().roots().stream().map(Object::toString).toList());
    } catch (HardstorageException e) {
      return "";
    }
  }

  public String getConfirm() {
    return confirm;
  }

  public void setConfirm(String confirm) {
    this.confirm = confirm;
  }

  /** What was started, or blank. */
  public String getStarted() {
    return started;
  }

  /** The job run started, or {@code null}. */
  public Long getStartedRun() {
    return startedRun;
  }

  /** Why a viewer's post was refused (set by whichever check refused it), or blank. */
  public String getRefused() {
    if (refused.isEmpty()) {
      Object r =
          FacesContext.getCurrentInstance()
              .getExternalContext()
              .getRequestMap()
              .get("serverRestoreRefused");
      return r == null ? "" : r.toString();
    }
    return refused;
  }

  /** Why the restore was not started (as the API words it), or null. */
  public EngineError getError() {
    return error;
  }
}
