package org.pghardstorage.core.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Turns a {@link SecretRef} into the secret, at the moment it is needed (so a rotated secret takes
 * effect). Implementations never log or echo a secret, only the reference. The command line uses
 * {@link #local}; the server adds its password aliases and a policy of where references may point.
 */
public interface SecretResolver {
  /**
   * The secret {@code ref} names.
   *
   * @throws HardstorageException with the reference (never a value) when it does not resolve or is
   *     not allowed
   */
  String resolve(SecretRef ref);

  /**
   * Refuses a repository URL that would make this process read a secret it may not (an S3 URL's
   * {@code credentials_file}); the command line allows every one.
   *
   * @throws HardstorageException naming the URL's reference and the rule
   */
  default void checkRepositoryUrl(String url) {}

  /**
   * Secrets of this process: {@code env:} from {@code environment}, {@code file:} the file's first
   * line (the line break not included; an empty first line is an error). {@code alias:} is the
   * server's alone and does not resolve here.
   */
  static SecretResolver local(Function<String, String> environment) {
    return ref ->
        switch (ref.kind()) {
          case ENV ->
              Optional.ofNullable(environment.apply(ref.name()))
                  .orElseThrow(
                      () ->
                          unresolved(
                              ref, "the environment variable " + ref.name() + " is not set"));
          case FILE -> firstLine(ref, Path.of(ref.name()));
          case ALIAS ->
              throw unresolved(
                  ref,
                  "password aliases exist on the server only; use env:VARIABLE or file:/path here");
        };
  }

  /** The first line of {@code file}, for {@code ref}. */
  static String firstLine(SecretRef ref, Path file) {
    try {
      String line =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      if (line.isEmpty()) {
        throw unresolved(ref, "the file's first line is empty: write the secret there");
      }
      return line;
    } catch (IOException e) {
      throw unresolved(
          ref,
          "this process cannot read it ("
              + e.getClass().getSimpleName()
              + "): check the path and that this OS user may read it");
    }
  }

  /**
   * {@code deployment.secret_unresolved} (USAGE): {@code ref} does not resolve; the message names
   * the reference, never a value.
   */
  static HardstorageException unresolved(SecretRef ref, String suggestion) {
    return new HardstorageException(
        "deployment.secret_unresolved",
        ExitCode.USAGE,
        "the secret reference '" + ref + "' does not resolve",
        suggestion);
  }
}
