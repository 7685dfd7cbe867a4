package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.pghardstorage.batch.JobService;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.job.JobRunView;
import org.pghardstorage.ejb.streamer.StreamerControl;

/**
 * The deployment page's operator actions: start a base backup, a verify of the latest backup, a
 * rotation's dry run and the applying of exactly a reviewed dry run's plan, through {@link
 * JobService}, the one service the REST API's {@code POST /api/v1/jobs} starts jobs with; and
 * switch the streamer on or off through {@link StreamerControl}, the service of {@code POST
 * /api/v1/deployments/{d}/streamer/start|stop}. The buttons are rendered for operators only, and
 * the server refuses the action to anyone else however the post was made: a viewer's forged post
 * starts or changes nothing and is answered 403.
 */
@Named
@RequestScoped
public class JobActions {
  /** The form of the job actions; a post of it (or of one of its buttons) is a request to act. */
  static final String FORM = "actions";

  /** The form that applies a reviewed rotation plan: it starts a job too. */
  static final String ROTATION_FORM = "rotation";

  /** The form of the streamer's switch. */
  static final String STREAMER_FORM = "streamer";

  /** The request parameter of the rotation form that names the reviewed dry run. */
  static final String REVIEWED_RUN = "reviewed_run";

  private static final Logger LOG = Logger.getLogger(JobActions.class.getName());

  @EJB private JobService jobs;
  @EJB private StreamerControl streamers;
  @Inject private DeploymentPage page;

  private String started = "";
  private String switched = "";
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

  /** Starts a dry run of the deployment's rotation: its plan is the run's result. */
  public String planRotation() {
    return start("rotate", Map.of());
  }

  /**
   * Applies exactly the plan of the reviewed dry run the form names ({@value #REVIEWED_RUN}): the
   * job refuses, and deletes nothing, if the plan made under the repository lock differs.
   */
  public String applyRotation() {
    String reviewed =
        FacesContext.getCurrentInstance()
            .getExternalContext()
            .getRequestParameterMap()
            .getOrDefault(REVIEWED_RUN, "");
    return start("rotate", Map.of(REVIEWED_RUN, reviewed));
  }

  /** Switches the deployment's streamer on. */
  public String startStreamer() {
    return switchStreamer(true);
  }

  /** Switches the deployment's streamer off. */
  public String stopStreamer() {
    return switchStreamer(false);
  }

  /**
   * Refuses, before the page is rendered, a post of the actions form by a user who may not act. The
   * buttons are not rendered for such a user, so Faces never calls their action: this is where a
   * forged post is answered, with 403 and a message, and nothing recorded.
   */
  public void refuseForgedAction() {
    FacesContext fc = FacesContext.getCurrentInstance();
    ExternalContext ec = fc.getExternalContext();
    if (fc.isPostback() && !SessionView.mayAct(ec::isUserInRole)) {
      postedForm(ec.getRequestParameterMap()).ifPresent(form -> refuse(ec, form));
    }
  }

  /** What was started ({@code base-backup started: job run 17 (running)}), or blank. */
  public String getStarted() {
    return started;
  }

  /** What the streamer's button did ({@code Streamer of db1 switched on.}), or blank. */
  public String getSwitched() {
    return switched;
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
      refuse(ec, FORM);
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

  private String switchStreamer(boolean on) {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    if (!SessionView.mayAct(ec::isUserInRole)) {
      refuse(ec, STREAMER_FORM);
      return null;
    }
    try {
      streamers.set(page.getName(), on, ec.getUserPrincipal().getName());
      switched = "Streamer of " + page.getName() + " switched " + (on ? "on" : "off") + ".";
    } catch (HardstorageException | EJBException e) {
      error = EngineError.of(e);
    }
    page.reload();
    return null;
  }

  private void refuse(ExternalContext ec, String form) {
    String user = ec.getUserPrincipal() == null ? "anonymous" : ec.getUserPrincipal().getName();
    refused = form.equals(STREAMER_FORM) ? streamerRefusal(user) : refusal(user);
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

  static String streamerRefusal(String user) {
    return "Not allowed: starting or stopping a streamer needs the operator or admin role, and "
        + user
        + " has neither. Nothing was changed.";
  }

  /** Whether a request's parameters post one of the action forms or one of their controls. */
  static boolean postsActions(Map<String, String> parameters) {
    return postedForm(parameters).isPresent();
  }

  /** Which action form (or a control of it) a request's parameters post, if any. */
  static Optional<String> postedForm(Map<String, String> parameters) {
    return Stream.of(FORM, ROTATION_FORM, STREAMER_FORM)
        .filter(
            f -> parameters.keySet().stream().anyMatch(k -> k.equals(f) || k.startsWith(f + ":")))
        .findFirst();
  }
}
