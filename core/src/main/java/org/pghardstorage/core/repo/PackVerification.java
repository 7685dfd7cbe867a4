package org.pghardstorage.core.repo;

import java.util.List;
import java.util.Objects;

/**
 * The result of verifying one pack.
 *
 * @param pack the pack
 * @param chunksChecked blobs decoded and re-hashed
 * @param problems what is wrong, empty if nothing
 */
public record PackVerification(PackId pack, int chunksChecked, List<PackProblem> problems) {
  /** Validates the fields. */
  public PackVerification {
    Objects.requireNonNull(pack, "pack");
    problems = List.copyOf(problems);
  }

  /** Whether no damage was found ({@link PackProblem.Kind#UNINDEXED} is not damage). */
  public boolean isOk() {
    return problems.stream().allMatch(p -> p.kind() == PackProblem.Kind.UNINDEXED);
  }
}
