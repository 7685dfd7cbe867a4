package org.pghardstorage.core.repo;

import java.util.Objects;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The name of one PostgreSQL cluster in a repository: {@code [a-z0-9][a-z0-9_-]{0,62}}. It is a key
 * segment under {@code backups/} and {@code wal/}, so it is deliberately narrow.
 */
public final class Deployment implements Comparable<Deployment> {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final String name;

  private Deployment(String name) {
    this.name = name;
  }

  /**
   * Validates a name.
   *
   * @throws HardstorageException {@code repo.invalid_deployment}, exit USAGE, echoing the name
   */
  public static Deployment of(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new HardstorageException(
          RepositoryErrors.INVALID_DEPLOYMENT,
          ExitCode.USAGE,
          "invalid deployment name '" + name + "'",
          "use 1 to 63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
    }
    return new Deployment(name);
  }

  /** Whether {@code name} is a valid deployment name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The name. */
  public String name() {
    return name;
  }

  @Override
  public int compareTo(Deployment other) {
    return name.compareTo(other.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deployment other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
