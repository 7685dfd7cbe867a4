package org.pghardstorage.ejb.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Resolves a secret reference as the catalogue stores it, never the secret itself: {@code
 * alias:NAME} (a Payara password alias, read through MicroProfile Config), {@code env:VAR} (an
 * environment variable of the server process) or {@code file:/path} (the first line of a file the
 * server's OS user can read).
 */
public final class Secrets {
  /** The name Payara gives its password-alias config source. */
  private static final String PAYARA_ALIAS_SOURCE = "Password Alias";

  private Secrets() {}

  /** Whether {@code ref} has one of the accepted forms (it may still not resolve). */
  public static boolean isReference(String ref) {
    return ref != null && ref.matches("(alias|env|file):.+");
  }

  /**
   * The secret {@code ref} names.
   *
   * @throws HardstorageException {@code deployment.secret_unresolved} (USAGE) naming the reference,
   *     never a value
   */
  public static String resolve(String ref) {
    if (!isReference(ref)) {
      throw unresolved(ref, "it must be alias:NAME, env:VARIABLE or file:/path");
    }
    String kind = ref.substring(0, ref.indexOf(':'));
    String name = ref.substring(ref.indexOf(':') + 1);
    return switch (kind) {
      case "alias" ->
          alias(name)
              .orElseThrow(
                  () ->
                      unresolved(
                          ref,
                          "create it with: asadmin create-password-alias "
                              + name
                              + " (the password is prompted for, never on the command line),"
                              + " then restart the server: Payara reads its aliases when it"
                              + " starts"));
      case "env" ->
          Optional.ofNullable(System.getenv(name))
              .orElseThrow(() -> unresolved(ref, "set " + name + " in the server's environment"));
      default -> file(ref, Path.of(name));
    };
  }

  /**
   * Payara serves its password aliases as a MicroProfile Config source. This asks that source
   * alone: {@code Config.getOptionalValue} would also consult every other source (system
   * properties, environment) for a name meant to be an alias, and answers from a cache. Payara
   * reads its alias store when it starts, so an alias created while the server runs resolves after
   * the next restart (OperationsIT creates one, restarts and connects with it).
   */
  private static Optional<String> alias(String name) {
    Config config = ConfigProvider.getConfig();
    for (ConfigSource source : config.getConfigSources()) {
      if (PAYARA_ALIAS_SOURCE.equals(source.getName())) {
        return Optional.ofNullable(source.getValue(name));
      }
    }
    return config.getOptionalValue(name, String.class);
  }

  private static String file(String ref, Path path) {
    try {
      return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
          .findFirst()
          .orElseThrow(() -> unresolved(ref, "the file is empty"));
    } catch (IOException e) {
      throw unresolved(ref, "the server cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static HardstorageException unresolved(String ref, String suggestion) {
    return new HardstorageException(
        "deployment.secret_unresolved",
        ExitCode.USAGE,
        "the secret reference '" + ref + "' does not resolve",
        suggestion);
  }
}
