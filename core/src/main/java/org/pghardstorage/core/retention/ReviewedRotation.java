package org.pghardstorage.core.retention;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.pg.Lsn;

/**
 * What a person (or an earlier job step) reviewed of a rotation, and all that {@link
 * Rotator#apply(org.pghardstorage.core.repo.Deployment, GfsPolicy, ReviewedRotation)} needs of it:
 * for which deployment and policy it was planned, which backups it deleted and where it cut the
 * WAL. It comes either from a {@link RetentionPlan} in hand or from the {@link RotationDocument} a
 * dry run recorded, which is read as untrusted input: anything missing or malformed is an error,
 * never a default.
 *
 * @param deployment the deployment the plan is for
 * @param policy the policy it was planned with
 * @param deleted the ids of the backups it deleted
 * @param keepFromLsn the WAL it kept starts here; WAL before it was to be deleted
 */
public record ReviewedRotation(
    String deployment, GfsPolicy policy, Set<String> deleted, String keepFromLsn) {

  /** Error code: a reviewed plan that cannot be applied as it is (see {@link #fromDocument}). */
  public static final String INVALID = "retention.reviewed_plan_invalid";

  /** Checks every part is there; {@code deleted} is copied (sorted). */
  public ReviewedRotation {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(policy, "policy");
    deleted = Set.copyOf(new TreeSet<>(deleted));
    Lsn.parse(Objects.requireNonNull(keepFromLsn, "keepFromLsn"));
  }

  /** What {@code plan} deletes. */
  public static ReviewedRotation of(RetentionPlan plan) {
    Set<String> deleted = new TreeSet<>();
    plan.delete().forEach(d -> deleted.add(d.backupId()));
    return new ReviewedRotation(
        plan.deployment(), plan.policy(), deleted, plan.wal().keepFromLsn());
  }

  /**
   * The reviewed plan in {@code json}, the {@link RotationDocument} of a dry run ({@code "applied":
   * false}), as the {@code rotate} job records it as a run's result.
   *
   * @param source names where the document came from, for the messages ({@code job run 17})
   * @throws HardstorageException {@value #INVALID} (USAGE) if it is not such a document: not JSON,
   *     an applied rotation, or a field missing or of the wrong kind, naming what
   */
  public static ReviewedRotation fromDocument(String json, String source) {
    JsonNode doc;
    try {
      doc = ResultJson.mapper().readTree(json == null ? "" : json);
    } catch (JsonProcessingException e) {
      throw invalid(source, "its result is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (doc == null || !doc.isObject()) {
      throw invalid(source, "its result is not a rotation document");
    }
    JsonNode applied = doc.get("applied");
    if (applied == null || !applied.isBoolean()) {
      throw invalid(source, "its result is not a rotation document (no \"applied\")");
    }
    if (applied.booleanValue()) {
      throw invalid(source, "it applied a rotation; only a dry run's plan can be reviewed");
    }
    String deployment = text(doc, "deployment", source);
    JsonNode p = doc.get("policy");
    if (p == null || !p.isObject() || !"gfs".equals(p.path("name").asText(null))) {
      throw invalid(source, "its plan has no GFS \"policy\"");
    }
    int[] counts = new int[Granularity.values().length];
    for (Granularity g : Granularity.values()) {
      JsonNode c = p.get(g.label());
      if (c == null || !c.canConvertToInt() || !c.isIntegralNumber()) {
        throw invalid(source, "its policy has no whole count \"" + g.label() + "\"");
      }
      counts[g.ordinal()] = c.intValue();
    }
    GfsPolicy policy =
        new GfsPolicy(
            counts[Granularity.HOURLY.ordinal()],
            counts[Granularity.DAILY.ordinal()],
            counts[Granularity.WEEKLY.ordinal()],
            counts[Granularity.MONTHLY.ordinal()],
            counts[Granularity.YEARLY.ordinal()]);
    JsonNode backups = doc.get("backups");
    if (backups == null || !backups.isArray()) {
      throw invalid(source, "its plan has no \"backups\" list");
    }
    List<String> deleted = new ArrayList<>();
    for (JsonNode row : backups) {
      String action = text(row, "action", source);
      String id = text(row, "backup_id", source);
      switch (action) {
        case "delete" -> deleted.add(id);
        case "keep" -> {}
        default -> throw invalid(source, "backup " + id + " has the unknown action " + action);
      }
    }
    JsonNode wal = doc.get("wal");
    String cut = wal == null ? null : wal.path("keep_from_lsn").asText(null);
    if (cut == null) {
      throw invalid(source, "its plan has no \"wal\".\"keep_from_lsn\"");
    }
    try {
      Lsn.parse(cut);
    } catch (RuntimeException e) {
      throw invalid(source, "its \"wal\".\"keep_from_lsn\" is not an LSN: " + cut);
    }
    return new ReviewedRotation(deployment, policy, new TreeSet<>(deleted), cut);
  }

  private static String text(JsonNode node, String field, String source) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw invalid(source, "its plan has no text \"" + field + "\"");
    }
    return v.textValue();
  }

  /** A reviewed plan that cannot be applied: {@value #INVALID}, exit USAGE. */
  public static HardstorageException invalid(String source, String why) {
    return new HardstorageException(
        INVALID,
        ExitCode.USAGE,
        "cannot apply the rotation plan reviewed in " + source + ": " + why,
        "make a dry run of the rotation (without apply), review its plan and apply that run");
  }
}
