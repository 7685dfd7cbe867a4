package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the {@code restore_command} of a restored cluster gets the key of an encrypted repository.
 * PostgreSQL runs that command as its own OS user, without the environment of whoever ran the
 * restore, so only a key in a file that user can read reaches it. The restore decides from this
 * what to put into the command and whether recovery can work at all.
 */
public sealed interface RecoveryKey {
  /** No key is handed to {@code restore_command}: right for an unencrypted repository only. */
  record None() implements RecoveryKey {}

  /**
   * {@code restore_command} reads the passphrase from {@code file} ({@code --passphrase-file}).
   *
   * @param file an absolute path
   */
  record PassphraseFile(Path file) implements RecoveryKey {
    /** Validates the path. */
    public PassphraseFile {
      Objects.requireNonNull(file, "file");
      if (!file.isAbsolute()) {
        throw RestoreErrors.invalidRequest(
            "passphrase file '" + file + "' is not an absolute path",
            "give the passphrase file as an absolute path: restore_command runs elsewhere");
      }
    }
  }

  /**
   * The key came from somewhere {@code restore_command} cannot see.
   *
   * @param source where, for the message, e.g. {@code the environment variable PGHS_PASSPHRASE}
   */
  record Unavailable(String source) implements RecoveryKey {
    /** Validates the field. */
    public Unavailable {
      Objects.requireNonNull(source, "source");
    }
  }

  /** No key. */
  static RecoveryKey none() {
    return new None();
  }
}
