package org.pghardstorage.core.repo.manifest;

/**
 * Manifest JSON that does not parse or breaks a rule. The repository turns it into {@code
 * repo.corrupt} (or {@code repo.format_too_new} for a newer schema) naming the object.
 */
public final class ManifestFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean newerSchema;

  ManifestFormatException(String message, boolean newerSchema, Throwable cause) {
    super(message, cause);
    this.newerSchema = newerSchema;
  }

  /** Whether the JSON names a later {@code pg_hardstorage.backup.vN} schema. */
  public boolean newerSchema() {
    return newerSchema;
  }
}
