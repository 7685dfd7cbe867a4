package org.pghardstorage.core.status;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A deployment's health as {@link HealthRules} judged it: one document, written the same way by the
 * command line's {@code status} and the REST API ({@link org.pghardstorage.core.json.ResultJson}).
 *
 * @param status green, amber or red
 * @param rpoSeconds the recovery point objective now ({@link HealthFacts#rpo()}), or null when
 *     nothing tells it
 * @param reasons why it is not green, worst first; empty when green
 */
public record DeploymentHealth(Status status, Long rpoSeconds, List<String> reasons) {
  /** The three states, worst last. */
  public enum Status {
    /** Backed up, streaming, verified as far as known: nothing to do. */
    GREEN,
    /** Protected, but something needs a look before it becomes red. */
    AMBER,
    /** A restore now would fail or lose more than the rules allow: act now. */
    RED;

    /** Lower case, as documents and pages show it. */
    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Copies the reasons. */
  public DeploymentHealth {
    Objects.requireNonNull(status, "status");
    reasons = List.copyOf(reasons);
  }
}
