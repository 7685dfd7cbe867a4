package org.pghardstorage.cli.demo;

/**
 * How one step of the demo went.
 *
 * @param step the step's name, e.g. {@code backup}
 * @param seconds how long it took
 * @param result {@code passed}, {@code failed} or {@code skipped}
 * @param detail what it did, or why it failed, for a person
 */
public record StepResult(String step, double seconds, String result, String detail) {
  /** The step passed. */
  public static final String PASSED = "passed";

  /** The step failed; the demo stopped there. */
  public static final String FAILED = "failed";

  /** The step did not run because an earlier one failed. */
  public static final String SKIPPED = "skipped";

  /** Whether the step passed. */
  public boolean passed() {
    return PASSED.equals(result);
  }
}
