package org.pghardstorage.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.restore.RestorePlanRequest;
import org.pghardstorage.ejb.restore.RestorePlanning;
import org.pghardstorage.ejb.restore.ServerRestore;

/**
 * The restore planner ({@code restore.xhtml?name=NAME}): the user picks a recovery target, and the
 * page shows the plan {@link RestorePlanning} makes, the same service and the same document as
 * {@code POST /api/v1/deployments/{d}/restore-plans}. Planning only: nothing is restored. Any
 * signed-in user (a viewer too) may plan, as with the API.
 */
@Named
@RequestScoped
public class RestorePlanner {
  /** The recovery targets, by the value of the form's choice, with their labels. */
  static final Map<String, String> KINDS = kinds();

  private static final ObjectMapper JSON = new ObjectMapper();

  @EJB private RestorePlanning planning;
  @EJB private ServerRestore serverRestore;

  private String kind = "latest";
  private String value = "";
  private String backup = "";
  private String target = "";
  private String when = "";
  private String zone = "";
  private String timeUsed = "";
  private String document;
  private RestorePlanRequest planned;
  private List<Field> fields = List.of();
  private EngineError error;
  private Long serverPlanId;
  private String launcherProblem = "";

  /**
   * One field of the plan document, in the order the API writes it.
   *
   * @param path its JSON path ({@code wal.start_lsn}, {@code problems[0]})
   * @param value its value as JSON text gives it ({@code null} for null, {@code []} for an empty
   *     list)
   */
  public record Field(String path, String value) {}

  /** Plans the restore the form asks for and shows its plan, or why it cannot be planned. */
  public String plan() {
    return plan(false);
  }

  /**
   * Plans the restore the form asks for on this server, into the form's directory, which the
   * server's restore roots must allow: the plan shown is what the confirmation then starts.
   * Operators and admins only; the button is not rendered for others, and this is the rule.
   */
  public String planOnServer() {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    if (!SessionView.mayAct(ec::isUserInRole)) {
      ServerRestoreAction.refuse(ec);
      return null;
    }
    return plan(true);
  }

  private String plan(boolean onServer) {
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    try {
      String v = value;
      if ("time".equals(kind)) {
        // the browser's local time, made the one UTC instant the API is given
        Instant at = BrowserTime.instant(when, zone);
        v = at.toString();
        timeUsed = timeUsed(when, zone, at);
      }
      RestorePlanRequest request = request(kind, v, backup, target);
      String actor = ec.getUserPrincipal().getName();
      RestorePlanning.Planned p =
          onServer
              ? serverRestore.plan(getName(), request, actor)
              : planning.plan(getName(), request, actor);
      document = p.document();
      fields = fields(document);
      if (onServer) {
        serverPlanId = p.id();
        launcherProblem = ServerRestore.launcherProblem(ServerRestore.launcher());
      }
      planned = request;
    } catch (HardstorageException | EJBException e) {
      error = EngineError.of(e);
    }
    return null;
  }

  /**
   * The API's request for the form's choices: the target value goes in the field the API names
   * after its kind, so that a bad value is refused with the API's own message.
   *
   * @throws HardstorageException {@code usage.bad_restore_plan} for an unknown kind or an xid that
   *     is not a number, worded as the API words its field errors
   */
  static RestorePlanRequest request(String kind, String value, String backup, String target) {
    String v = value == null ? "" : value.strip();
    String b = backup == null || backup.isBlank() ? null : backup.strip();
    String t = target == null || target.isBlank() ? null : target.strip();
    return switch (kind == null ? "" : kind) {
      case "latest" ->
          new RestorePlanRequest(b, t, null, null, null, null, true, null, null, null, null);
      case "time" ->
          new RestorePlanRequest(b, t, v, null, null, null, null, null, null, null, null);
      case "lsn" -> new RestorePlanRequest(b, t, null, v, null, null, null, null, null, null, null);
      case "name" ->
          new RestorePlanRequest(b, t, null, null, v, null, null, null, null, null, null);
      case "xid" ->
          new RestorePlanRequest(b, t, null, null, null, xid(v), null, null, null, null, null);
      default -> throw RestorePlanning.usage("target kind", kind, "one of " + KINDS.keySet());
    };
  }

  /** What the page says of the time the plan used: the local time, its zone, the UTC instant. */
  static String timeUsed(String when, String zone, Instant at) {
    return when.strip()
        + " in "
        + BrowserTime.zone(zone)
        + (zone == null || zone.isBlank() ? " (no browser time zone was sent)" : "")
        + " is "
        + at
        + " (UTC), the instant this plan recovers to";
  }

  private static Map<String, String> kinds() {
    Map<String, String> k = new LinkedHashMap<>();
    k.put("latest", "latest: the end of the archived WAL");
    k.put("time", "a time (in the time field below)");
    k.put("lsn", "an LSN (X/Y, e.g. 0/3000028)");
    k.put("name", "a named restore point");
    k.put("xid", "a transaction id");
    return Collections.unmodifiableMap(k);
  }

  private static Long xid(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw RestorePlanning.usage("xid", v, "a transaction id, a whole number, e.g. 1234");
    }
  }

  /** The plan document's fields, flattened to their JSON paths, in document order. */
  static List<Field> fields(String document) {
    List<Field> out = new ArrayList<>();
    try {
      flatten("", JSON.readTree(document), out);
    } catch (JsonProcessingException e) {
      // the engine wrote the document a moment ago: unreadable, it is the server's fault
      throw new IllegalStateException("the restore plan document is not JSON", e);
    }
    return out;
  }

  private static void flatten(String path, JsonNode v, List<Field> out) {
    if (v.isObject()) {
      if (v.isEmpty()) {
        out.add(new Field(path, "{}"));
      }
      v.fields()
          .forEachRemaining(
              e ->
                  flatten(
                      path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out));
    } else if (v.isArray()) {
      if (v.isEmpty()) {
        out.add(new Field(path, "[]"));
      }
      for (int i = 0; i < v.size(); i++) {
        flatten(path + "[" + i + "]", v.get(i), out);
      }
    } else {
      out.add(new Field(path, v.asText())); // null is "null", as JSON writes it
    }
  }

  /** The value of one field of the plan, or blank when the plan lacks it. */
  String field(String path) {
    return fields.stream()
        .filter(f -> f.path().equals(path))
        .map(Field::value)
        .findFirst()
        .orElse("");
  }

  /** The deployment to plan for, from the {@code name} query or form parameter. */
  public String getName() {
    return DeploymentPage.requestedName();
  }

  /** The chosen backup. */
  public String getChosenBackup() {
    return field("backup_id");
  }

  /** The WAL the backup needs to become consistent, as the plan gives it. */
  public String getWalRange() {
    return "from "
        + field("wal.start_lsn")
        + " (timeline "
        + field("wal.start_timeline")
        + ") to "
        + field("wal.end_lsn")
        + " (timeline "
        + field("wal.end_timeline")
        + "), "
        + ("true".equals(field("wal.complete")) ? "all archived" : "NOT all archived");
  }

  /** Whether nothing known stops the restore or the recovery to the target. */
  public boolean isReady() {
    return "true".equals(field("ready"));
  }

  /** What stops it, one line each. */
  public List<String> getProblems() {
    return fields.stream().filter(f -> f.path().startsWith("problems[")).map(Field::value).toList();
  }

  /** What would be written: files and bytes into the target. */
  public String getWritten() {
    return field("files")
        + " files, "
        + Formats.bytes(Long.parseLong(field("bytes")))
        + " into "
        + field("target")
        + "; "
        + Formats.bytes(Long.parseLong(field("stored_bytes")))
        + " fetched from the repository";
  }

  /**
   * The command that carries out the plan on the restoring host: its backup, data directory and
   * recovery target, quoted for a POSIX shell, without secrets.
   */
  public String getCliCommand() {
    return cliCommand(false);
  }

  /** The same command with {@code --preview}: it prints this plan there and writes nothing. */
  public String getCliPreviewCommand() {
    return cliCommand(true);
  }

  private String cliCommand(boolean preview) {
    return RestoreCommandLine.of(
        field("deployment"), field("backup_id"), field("target"), planned, preview);
  }

  /** Whether a plan was made. */
  public boolean isPlanned() {
    return document != null;
  }

  /** The kept plan a restore on this server would carry out, or {@code null}. */
  public Long getServerPlanId() {
    return serverPlanId;
  }

  /** What the operator must do so that the restored cluster can fetch WAL, or blank. */
  public String getLauncherProblem() {
    return launcherProblem;
  }

  /** The directories the plan writes into, one line each ({@code /srv/r/db1 (data directory)}). */
  public List<String> getDirectories() {
    List<String> out = new ArrayList<>();
    for (int i = 0; !field("directories[" + i + "].path").isEmpty(); i++) {
      out.add(
          field("directories[" + i + "].path") + " (" + field("directories[" + i + "].role") + ")");
    }
    return out;
  }

  /** The plan document's fields. */
  public List<Field> getFields() {
    return fields;
  }

  /** Why no plan was made (an engine error, as the API gives it), or null. */
  public EngineError getError() {
    return error;
  }

  /** The choices of the target kind, value to label. */
  public Map<String, String> getKinds() {
    return KINDS;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  /** The time asked for, as the browser's {@code datetime-local} field gives it. */
  public String getWhen() {
    return when;
  }

  public void setWhen(String when) {
    this.when = when;
  }

  /** The browser's time zone, put in the form by the planner's script; blank without script. */
  public String getZone() {
    return zone;
  }

  public void setZone(String zone) {
    this.zone = zone;
  }

  /** The local time, its zone and the UTC instant the plan used, or blank. */
  public String getTimeUsed() {
    return timeUsed;
  }

  public String getBackup() {
    return backup;
  }

  public void setBackup(String backup) {
    this.backup = backup;
  }

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }
}
