package org.pghardstorage.core.deployment;

import java.util.Objects;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Where a secret lives, never the secret: {@code env:VARIABLE} (an environment variable), {@code
 * file:/path} (the first line of a file) or {@code alias:NAME} (a password alias of the server).
 * This is the one syntax of secret references; the text form is safe to log and to show.
 *
 * @param kind what kind of place
 * @param name the variable, the absolute path or the alias name
 */
public record SecretRef(Kind kind, String name) {
  /** The kinds of place a secret can live. */
  public enum Kind {
    /** An environment variable of the process that resolves it. */
    ENV,
    /** The first line of a file, by absolute path. */
    FILE,
    /** A password alias of the application server (resolved by the server only). */
    ALIAS;

    String prefix() {
      return name().toLowerCase(java.util.Locale.ROOT) + ":";
    }
  }

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException for an empty name or a relative file path
   */
  public SecretRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a secret reference needs a name after " + kind.prefix());
    }
  }

  /** Whether {@code text} has one of the accepted forms (it may still not resolve). */
  public static boolean isReference(String text) {
    return text != null && text.matches("(alias|env|file):.+");
  }

  /**
   * Parses {@code env:VARIABLE}, {@code file:/path} or {@code alias:NAME}.
   *
   * @param setting the setting that holds {@code text}, named in the message
   * @throws HardstorageException {@code deployment.bad_secret_ref} (USAGE) naming the setting and
   *     the text, and the accepted forms
   */
  public static SecretRef parse(String text, String setting) {
    if (isReference(text)) {
      int colon = text.indexOf(':');
      return new SecretRef(
          Kind.valueOf(text.substring(0, colon).toUpperCase(java.util.Locale.ROOT)),
          text.substring(colon + 1));
    }
    throw new HardstorageException(
        "deployment.bad_secret_ref",
        ExitCode.USAGE,
        setting + " '" + text + "' is not a secret reference",
        "write env:VARIABLE, file:/absolute/path or alias:NAME (on the server); the secret itself"
            + " never goes in a setting");
  }

  /** A file reference. */
  public static SecretRef file(String path) {
    return new SecretRef(Kind.FILE, path);
  }

  /** An environment variable reference. */
  public static SecretRef env(String variable) {
    return new SecretRef(Kind.ENV, variable);
  }

  /** The reference as written: {@code kind:name}. */
  @Override
  public String toString() {
    return kind.prefix() + name;
  }
}
