package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;
import java.util.logging.Logger;
import org.pghardstorage.batch.JobService;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.job.JobRunView;

/**
 * The deployment page's operator actions: start a base backup, or a verify of the latest backup,
 * through {@link JobService}, the one service the REST API's {@code POST /api/v1/jobs} starts jobs
 * with. The buttons are rendered for operators only, and the server refuses the action to anyone
 * else however the post was made: a viewer's forged post starts nothing and is answered 403.
 */
@Named
@RequestScoped
public class JobActions {
  /** The form of the actions; a post of it (or of one of its buttons) is a request to act. */
  static final String FORM = "actions";

  private static final Logger LOG = Logger.getLogger(JobActions.class.getName());

  @EJB private JobService jobs;
  @Inject private DeploymentPage page;

  private String started = "";
  private Long startedRun;
  private String refused = "";
  private EngineError error;

  /** Starts a base backup of the page's deployment. */
  public String startBackup() {
    return start("base-backup", Map.of());
  }

  /** Starts a verify of the page's deployment's latest backup. */
  public String startVerify() {
    return start("verify", Map.of("backup", "latest"));
  }

  /**
   * Refuses, before the page is rendered, a post of the actions form by a user who may not act. The
   * buttons are not rendered for such a user, so Faces never calls their action: this is where a
   * forged post is answered, with 403 and a message, and nothing recorded.
   */
  public void refuseForgedAction() {
    FacesContext fc = FacesContext.getCurrentInstance();
    ExternalContext ec = fc.getExternalContext();
    if (fc.isPostback()
        && postsActions(ec.getRequestParameterMap())
        && !SessionView.mayAct(ec::isUserInRole)) {
      refuse(ec);
    }
  }

  /** What was started ({@code base-backup started: job run 17 (running)}), or blank. */
  public String getStarted() {
    return started;
  }

  /** The job run just started, or {@code null}. */
  public Long getStartedRun() {
    return startedRun;
  }

  /** Why the action was refused to this user, or blank. */
  public String getRefused() {
    return refused;
  }

  /** Why the service did not start the job (an engine error, as the API gives it), or null. */
  public EngineError getError() {
    return error;
  }

  private String start(String job, Map<String, String> parameters) {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    // the rendered buttons are the user interface; this check is the rule
    if (!SessionView.mayAct(ec::isUserInRole)) {
      refuse(ec);
      return null;
    }
    try {
      JobRunView run =
          jobs.start(job, page.getName(), ec.getUserPrincipal().getName(), "console", parameters);
      startedRun = run.id();
      started = started(run);
    } catch (HardstorageException | EJBException e) {
      error = EngineError.of(e);
    }
    page.reload(); // the job table shows the new run
    return null;
  }

  private void refuse(ExternalContext ec) {
    String user = ec.getUserPrincipal() == null ? "anonymous" : ec.getUserPrincipal().getName();
    refused = refusal(user);
    ec.setResponseStatus(403);
    LOG.warning(() -> "console: " + refused);
  }

  static String started(JobRunView run) {
    return run.job() + " started: job run " + run.id() + " (" + run.state() + ")";
  }

  static String refusal(String user) {
    return "Not allowed: starting a job needs the operator or admin role, and "
        + user
        + " has neither. Nothing was started.";
  }

  /** Whether a request's parameters post the actions form or one of its controls. */
  static boolean postsActions(Map<String, String> parameters) {
    return parameters.keySet().stream().anyMatch(k -> k.equals(FORM) || k.startsWith(FORM + ":"));
  }
}
