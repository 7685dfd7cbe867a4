package org.pghardstorage.core.pg;

import java.util.Arrays;

/**
 * A timeline history file as {@code TIMELINE_HISTORY} returns it: the file name (e.g. {@code
 * 00000002.history}) and its exact bytes, to be archived unchanged.
 *
 * @param fileName the file name
 * @param content the file's bytes
 */
public record TimelineHistoryFile(String fileName, byte[] content) {
  /** Copies the content so the record stays immutable. */
  public TimelineHistoryFile {
    content = content.clone();
  }

  /** A copy of the bytes. */
  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimelineHistoryFile other
        && other.fileName.equals(fileName)
        && Arrays.equals(other.content, content);
  }

  @Override
  public int hashCode() {
    return fileName.hashCode() * 31 + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "TimelineHistoryFile[" + fileName + ", " + content.length + " bytes]";
  }
}
