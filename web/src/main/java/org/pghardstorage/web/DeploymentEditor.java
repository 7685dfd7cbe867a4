package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pghardstorage.batch.DeploymentChanges;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.wal.PreflightCheck;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.ejb.deployment.DeploymentService;
import org.pghardstorage.ejb.deployment.DeploymentSpec;
import org.pghardstorage.ejb.deployment.DeploymentView;

/**
 * The page that adds a deployment ({@code deployment-edit.xhtml}) or changes one ({@code
 * deployment-edit.xhtml?name=NAME}), with a connection test of the form's values before saving.
 * Saving calls {@link DeploymentChanges}, what {@code POST} and {@code PUT /api/v1/deployments}
 * call, so the server's checks and messages are the API's; the test calls {@link
 * DeploymentChanges#connectionTest}, the engine's one connection test. As in the API, only an admin
 * may add or change a deployment (or test unsaved settings): anyone else is shown no form, and a
 * forged post is answered 403 with nothing changed. Secrets are entered only as references, and a
 * value entered where a reference belongs is never shown again.
 */
@Named
@RequestScoped
public class DeploymentEditor {
  /** The form; a post of it (or of one of its controls) is a request to change or test. */
  static final String FORM = "edit";

  /** The fields of the form that take secret references, by their API names. */
  static final List<String> REFERENCES = List.of("password_ref", "kek_ref");

  private static final Logger LOG = Logger.getLogger(DeploymentEditor.class.getName());

  /** The API's field errors: {@code field NAME is missing or invalid: VALUE}. */
  private static final Pattern FIELD = Pattern.compile("^field ([a-z_.]+) is ");

  /** The reference a {@code deployment.secret_not_allowed} message names. */
  private static final Pattern REFERENCE = Pattern.compile("^the secret reference '([^']*)'");

  @EJB private DeploymentChanges changes;
  @EJB private DeploymentService deployments;

  private final Map<String, String> values = new LinkedHashMap<>(empty());
  private boolean streaming = true;
  private boolean found = true;
  private String refused = "";
  private EngineError error;
  private String errorField = "";
  private String forgotten = "";
  private PreflightReport tested;
  private EngineError testError;

  /**
   * Before the page is rendered: refuses it (403, no form) to a user who is not an admin, a forged
   * post included; on a first visit to {@code ?name=NAME} fills the form with the deployment's
   * settings.
   */
  public void prepare() {
    FacesContext fc = FacesContext.getCurrentInstance();
    ExternalContext ec = fc.getExternalContext();
    if (!isMayEdit()) {
      refuse(ec);
      return;
    }
    if (isEditing()) {
      Optional<DeploymentView> d = deployments.find(getName());
      found = d.isPresent();
      if (!fc.isPostback()) {
        d.ifPresent(this::show);
      } else {
        // a postback carries the editable fields only; the name and slot an update keeps are shown
        d.ifPresent(v -> values.put("slot", v.slot()));
      }
    }
  }

  /** Saves the form: creates the deployment, or replaces the settings of the one edited. */
  public String save() {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    // the hidden form is the user interface; this check is the rule
    if (!isMayEdit()) {
      refuse(ec);
      return null;
    }
    try {
      DeploymentSpec spec = spec(named(), streaming);
      String actor = ec.getUserPrincipal().getName();
      DeploymentView saved =
          isEditing() ? changes.update(getName(), spec, actor) : changes.create(spec, actor);
      return "/deployment-edit.xhtml?faces-redirect=true&name="
          + saved.name()
          + "&saved="
          + (isEditing() ? "updated" : "created");
    } catch (HardstorageException | EJBException e) {
      error = refusedValues(EngineError.of(e));
      return null;
    }
  }

  /** Tests a connection with the form's values, saving nothing. */
  public String testConnection() {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    if (!isMayEdit()) {
      refuse(ec);
      return null;
    }
    try {
      tested = changes.connectionTest(spec(named(), streaming));
    } catch (HardstorageException | EJBException e) {
      testError = refusedValues(EngineError.of(e));
    }
    return null;
  }

  /** The form's values, with the name of the deployment edited (its form does not post it). */
  private Map<String, String> named() {
    if (isEditing()) {
      values.put("name", getName());
    }
    return values;
  }

  /**
   * An error about the form's values as the page shows it: placed at the field it names, never
   * repeating a secret; the entries that look like secrets are cleared from the form.
   */
  private EngineError refusedValues(EngineError e) {
    errorField = fieldOf(e, values);
    EngineError shown = withoutSecrets(e, values);
    forgetSecrets();
    return shown;
  }

  private void forgetSecrets() {
    String entered = secretsEntered(values);
    if (entered.isEmpty()) {
      return; // cleared already, or nothing to clear: the note stays as it was
    }
    forgotten = entered;
    for (String f : REFERENCES) {
      if (forgotten.contains(f)) {
        values.put(f, "");
      }
    }
    if (forgotten.contains("conninfo")) {
      values.put("conninfo", "");
    }
  }

  private void show(DeploymentView d) {
    values.put("name", d.name());
    values.put("conninfo", d.conninfo());
    values.put("password_ref", blankIfNull(d.passwordRef()));
    values.put("repository_url", d.repositoryUrl());
    values.put("slot", d.slot());
    values.put("kek_ref", blankIfNull(d.kekRef()));
    values.put("backup_schedule", blankIfNull(d.backupSchedule()));
    values.put("verify_schedule", blankIfNull(d.verifySchedule()));
    values.put("rotate_schedule", blankIfNull(d.rotateSchedule()));
    values.putAll(keep(d.keep()));
    streaming = d.streaming();
  }

  private void refuse(ExternalContext ec) {
    String user = ec.getUserPrincipal() == null ? "anonymous" : ec.getUserPrincipal().getName();
    refused = refusal(user);
    ec.setResponseStatus(403);
    if (FacesContext.getCurrentInstance().isPostback()) {
      LOG.warning(() -> "console: " + refused);
    }
  }

  // --- what the page reads and writes

  /** The form's values by the API's field names; the page binds its inputs to them. */
  public Map<String, String> getValues() {
    return values;
  }

  /** Whether the deployment's streamer should run. */
  public boolean isStreaming() {
    return streaming;
  }

  /** Sets whether the deployment's streamer should run. */
  public void setStreaming(boolean streaming) {
    this.streaming = streaming;
  }

  /** The deployment edited ({@code name} of the query, or of the form's post); blank to add one. */
  public String getName() {
    return DeploymentPage.requestedName();
  }

  /** Whether the page edits a catalogued deployment rather than adding one. */
  public boolean isEditing() {
    return !getName().isBlank();
  }

  /** Whether the deployment edited is in the catalogue (always true when adding). */
  public boolean isFound() {
    return found;
  }

  /** Whether the signed-in user may add and change deployments: an admin, as in the API. */
  public boolean isMayEdit() {
    return FacesContext.getCurrentInstance().getExternalContext().isUserInRole("admin");
  }

  /** What was just saved ({@code created}, {@code updated}), from the redirect after saving. */
  public String getSaved() {
    String s =
        FacesContext.getCurrentInstance()
            .getExternalContext()
            .getRequestParameterMap()
            .get("saved");
    return "created".equals(s) || "updated".equals(s) ? s : "";
  }

  /** Why the page was refused to this user, or blank. */
  public String getRefused() {
    return refused;
  }

  /** Why the server did not save the form (the API's words), or null. */
  public EngineError getError() {
    return error;
  }

  /** The API name of the field the error concerns, or blank when it names none. */
  public String getErrorField() {
    return errorField;
  }

  /** The error shown at {@link #getErrorField()}: of saving, or of the connection test. */
  public EngineError getFieldError() {
    return error != null ? error : testError;
  }

  /** The fields whose entry looked like a secret and was cleared, comma separated, or blank. */
  public String getForgotten() {
    return forgotten;
  }

  /** The connection test's report, or null when none ran or it could not connect. */
  public PreflightReport getTested() {
    return tested;
  }

  /** Why the connection test could not run or connect (the engine's words), or null. */
  public EngineError getTestError() {
    return testError;
  }

  /** The test's answer to whether the role may replicate, in words. */
  public String getReplication() {
    return tested == null ? "" : replication(tested);
  }

  /** Every check of the connection test, in the order run: the page lists each. */
  public List<PreflightCheck> getChecks() {
    return tested == null ? List.of() : tested.checks();
  }

  // --- the rules, without Faces

  /** The form's fields with their values for a new deployment. */
  static Map<String, String> empty() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f :
        List.of(
            "name",
            "conninfo",
            "password_ref",
            "repository_url",
            "slot",
            "kek_ref",
            "backup_schedule",
            "verify_schedule",
            "rotate_schedule")) {
      m.put(f, "");
    }
    m.putAll(keep(DeploymentSpec.Keep.DEFAULT));
    return m;
  }

  private static Map<String, String> keep(DeploymentSpec.Keep k) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("keep.hourly", Integer.toString(k.hourly()));
    m.put("keep.daily", Integer.toString(k.daily()));
    m.put("keep.weekly", Integer.toString(k.weekly()));
    m.put("keep.monthly", Integer.toString(k.monthly()));
    m.put("keep.yearly", Integer.toString(k.yearly()));
    return m;
  }

  /**
   * The API's request for the form's values: a blank optional field is absent (its default
   * applies), as in a JSON request that leaves it out.
   *
   * @throws HardstorageException {@code deployment.invalid} for a keep count that is not a whole
   *     number of 0 or more, which the API's JSON could not even carry, worded as the service words
   *     its field errors
   */
  static DeploymentSpec spec(Map<String, String> v, boolean streaming) {
    return new DeploymentSpec(
        given(v, "name"),
        given(v, "conninfo"),
        given(v, "password_ref"),
        given(v, "repository_url"),
        given(v, "slot"),
        given(v, "kek_ref"),
        given(v, "backup_schedule"),
        given(v, "verify_schedule"),
        given(v, "rotate_schedule"),
        new DeploymentSpec.Keep(
            count(v, "keep.hourly"),
            count(v, "keep.daily"),
            count(v, "keep.weekly"),
            count(v, "keep.monthly"),
            count(v, "keep.yearly")),
        streaming);
  }

  private static String given(Map<String, String> v, String field) {
    String s = v.get(field);
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static int count(Map<String, String> v, String field) {
    String s = v.getOrDefault(field, "").strip();
    if (s.matches("[0-9]{1,6}")) {
      return Integer.parseInt(s);
    }
    throw new HardstorageException(
        "deployment.invalid",
        ExitCode.USAGE,
        "field " + field + " is missing or invalid: " + s,
        "give each keep count as a whole number of 0 or more (0 keeps none of that age class)");
  }

  /**
   * The API name of the form field an error of the service concerns, or blank when it names none
   * (the page then shows it at the top). Read from the error's code and the field or value its
   * message names.
   */
  static String fieldOf(EngineError e, Map<String, String> values) {
    String d = e.detail() == null ? "" : e.detail();
    switch (e.code()) {
      case "deployment.invalid":
        Matcher m = FIELD.matcher(d);
        return m.find() ? (m.group(1).startsWith("keep.") ? "keep" : m.group(1)) : "";
      case "deployment.password_in_conninfo", "pg.conninfo_invalid":
        return "conninfo";
      case "deployment.exists", "deployment.name_reserved":
        return "name";
      case "repo.bad_url":
        return "repository_url";
      case "deployment.bad_secret_ref":
        return REFERENCES.stream().filter(f -> d.startsWith(f + " ")).findFirst().orElse("");
      case "deployment.bad_schedule":
        for (String kind : List.of("backup", "verify", "rotate")) {
          if (d.startsWith(kind + "Schedule ")) {
            return kind + "_schedule";
          }
        }
        return "";
      case "deployment.secret_not_allowed":
        Matcher r = REFERENCE.matcher(d);
        if (!r.find()) {
          return "";
        }
        if (r.group(1).startsWith("credentials_file=")) {
          return "repository_url";
        }
        return REFERENCES.stream()
            .filter(f -> r.group(1).equals(given(values, f)))
            .findFirst()
            .orElse("");
      default:
        return "";
    }
  }

  /**
   * The fields (API names, comma separated) whose entry is a secret rather than a reference to one:
   * a secret-reference field holding something that is not a reference, a conninfo with a password.
   * The page never shows these entries again.
   */
  static String secretsEntered(Map<String, String> values) {
    List<String> out = new java.util.ArrayList<>();
    for (String f : REFERENCES) {
      String v = given(values, f);
      if (v != null && !SecretRef.isReference(v)) {
        out.add(f);
      }
    }
    String conninfo = given(values, "conninfo");
    if (conninfo != null && hasPassword(conninfo)) {
      out.add("conninfo");
    }
    return String.join(", ", out);
  }

  private static boolean hasPassword(String conninfo) {
    try {
      return ConnInfo.parse(conninfo).hasExplicitPassword();
    } catch (RuntimeException e) {
      // a conninfo that does not parse may hold anything: show it again only without "password"
      return conninfo.toLowerCase(java.util.Locale.ROOT).contains("password");
    }
  }

  /**
   * {@code e} with every entry of {@link #secretsEntered} taken out of its words: the service's
   * messages name the offending value, which here may be a password typed where its reference
   * belongs.
   */
  static EngineError withoutSecrets(EngineError e, Map<String, String> values) {
    String detail = e.detail();
    String suggestion = e.suggestion();
    for (String f : secretsEntered(values).split(", ")) {
      String v = f.isEmpty() ? null : given(values, f);
      if (v != null) {
        String hidden = "(the value entered, not shown: it may be a secret)";
        detail = detail.replace(v, hidden);
        suggestion = suggestion.replace(v, hidden);
      }
    }
    return new EngineError(e.code(), detail, suggestion);
  }

  /** Whether the tested role may replicate, in words, from the test's {@code role_replication}. */
  static String replication(PreflightReport report) {
    return report.checks().stream()
        .filter(c -> c.name().equals("role_replication"))
        .findFirst()
        .map(
            c ->
                (c.status() == PreflightCheck.Status.FAIL ? "no: " : "yes: ")
                    + c.detail()
                    + (c.suggestion() == null ? "" : " (" + c.suggestion() + ")"))
        .orElse("unknown: the test did not check it");
  }

  static String refusal(String user) {
    return "Not allowed: adding or changing a deployment needs the admin role, as POST and PUT"
        + " /api/v1/deployments do, and "
        + user
        + " is not an admin. Nothing was changed.";
  }

  private static String blankIfNull(String s) {
    return s == null ? "" : s;
  }
}
