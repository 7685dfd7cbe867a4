package org.pghardstorage.it.docs;

/**
 * One fenced block of a documentation page, with what its annotation says to do with it.
 *
 * @param page the page's file name, e.g. {@code how-to/point-in-time-recovery.md}
 * @param line the 1-based line of the opening fence
 * @param language the fence's info string ({@code sh}, {@code sql}, {@code yaml}, or empty)
 * @param text the content, without the fence and its indentation
 * @param role what the test does with it
 * @param annotation the block's annotation ({@link Annotation#NONE} when there is none)
 */
public record DocBlock(
    String page, int line, String language, String text, Role role, Annotation annotation) {

  /** What the docs test does with a block. */
  public enum Role {
    /** Runs it in a shell, as a reader types it. */
    SHELL,
    /** Runs it as SQL on the page's server. */
    SQL,
    /** Compares it with what the command block above it printed. */
    OUTPUT,
    /** Writes it to a file. */
    FILE,
    /** Does not run it; {@link Annotation#notRun()} says why. */
    NOT_RUN
  }

  /** {@code page:line}, for messages. */
  public String where() {
    return page + ":" + line;
  }
}
