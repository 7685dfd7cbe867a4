package org.pghardstorage.core.chunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares two versions of a stretch of a file page by page ({@link ChunkerParams#PAGE_SIZE} units
 * from the stretch's start; the last unit may be shorter) and returns maximal runs of equal and of
 * changed pages. Used to find which pages of a changed chunk still hold the bytes the repository
 * has (format spec §5.1). Stateless.
 */
public final class PageRuns {
  private PageRuns() {}

  /**
   * A run of pages: {@code [from, to)} in bytes from the stretch's start.
   *
   * @param from first byte
   * @param to end, exclusive
   * @param equal whether the old and the new version hold the same bytes there
   */
  public record Run(int from, int to, boolean equal) {
    /** Bytes in the run. */
    public int length() {
      return to - from;
    }
  }

  /**
   * The runs of {@code current[0, length)} against {@code previous[0, length)}.
   *
   * @throws IllegalArgumentException if either array is shorter than {@code length}
   */
  public static List<Run> diff(byte[] previous, byte[] current, int length) {
    if (previous.length < length || current.length < length) {
      throw new IllegalArgumentException(
          "comparing "
              + length
              + " bytes needs both versions that long, have "
              + previous.length
              + " and "
              + current.length);
    }
    List<Run> runs = new ArrayList<>();
    int runStart = 0;
    boolean runEqual = true;
    for (int from = 0; from < length; from += ChunkerParams.PAGE_SIZE) {
      int to = Math.min(length, from + ChunkerParams.PAGE_SIZE);
      boolean equal = Arrays.equals(previous, from, to, current, from, to);
      if (from > 0 && equal != runEqual) {
        runs.add(new Run(runStart, from, runEqual));
        runStart = from;
      }
      runEqual = equal;
    }
    if (length > 0) {
      runs.add(new Run(runStart, length, runEqual));
    }
    return runs;
  }
}
