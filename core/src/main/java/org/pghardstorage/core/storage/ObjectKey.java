package org.pghardstorage.core.storage;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one object in an {@link ObjectStore}: a relative, slash-separated path such as {@code
 * data/3f/3fa9…}. Keys are portable across every backend: segments use only {@code [A-Za-z0-9._-]},
 * never start with a dot, are never {@code .} or {@code ..}, and are at most {@value
 * #MAX_SEGMENT_LENGTH} characters (the file name limit of common filesystems). Keys are compared
 * byte-wise. Filesystem backends on case-insensitive filesystems cannot hold two keys that differ
 * only in case; the repository format uses lower-case names.
 */
public final class ObjectKey implements Comparable<ObjectKey> {
  /** Longest key we accept; S3 allows 1024 bytes, and backends may add a prefix. */
  public static final int MAX_LENGTH = 900;

  /** Longest segment we accept: {@code NAME_MAX} on Linux filesystems. */
  public static final int MAX_SEGMENT_LENGTH = 255;

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private final String value;

  private ObjectKey(String value) {
    this.value = value;
  }

  /**
   * Parses and validates a key.
   *
   * @throws IllegalArgumentException naming the bad key and the rule it breaks
   */
  public static ObjectKey of(String value) {
    Objects.requireNonNull(value, "key");
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new ObjectKey(value);
  }

  /**
   * Whether {@code value} is a valid key. Backends use it to skip foreign files (a hierarchical
   * store may hold names no key can have) without parsing by exception.
   */
  public static boolean isValid(String value) {
    return value != null && problem(value) == null;
  }

  /**
   * Whether some valid key starts with {@code prefix}: a listing by any other prefix is empty
   * whatever the store holds. Remote backends use it so that a prefix such as {@code ../} never
   * reaches a server that might normalise it into another location.
   */
  public static boolean canStartWith(String prefix) {
    if (prefix.isEmpty()) {
      return true;
    }
    if (prefix.length() > MAX_LENGTH) {
      return false;
    }
    String[] segments = prefix.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (last && segment.isEmpty()) {
        return true;
      }
      if (!SEGMENT.matcher(segment).matches() || segment.length() > MAX_SEGMENT_LENGTH) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code value} is not a key, or {@code null} if it is one. */
  private static String problem(String value) {
    if (value.isEmpty()) {
      return "object key must not be empty";
    }
    if (value.length() > MAX_LENGTH) {
      return "object key is " + value.length() + " characters, longer than " + MAX_LENGTH;
    }
    for (String segment : value.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return "object key '"
            + value
            + "' has an invalid segment '"
            + segment
            + "': use [A-Za-z0-9._-], no leading dot, no empty segment";
      }
      if (segment.length() > MAX_SEGMENT_LENGTH) {
        return "object key '"
            + value
            + "' has a segment of "
            + segment.length()
            + " characters, longer than "
            + MAX_SEGMENT_LENGTH
            + ": split it with '/'";
      }
    }
    return null;
  }

  /** Joins a prefix such as {@code data/ab} and a name; both are validated. */
  public static ObjectKey of(String prefix, String name) {
    return of(prefix.endsWith("/") ? prefix + name : prefix + "/" + name);
  }

  /** The key as a string. */
  public String value() {
    return value;
  }

  /** The last segment. */
  public String name() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? value : value.substring(slash + 1);
  }

  @Override
  public int compareTo(ObjectKey other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectKey other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
