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
 * server's OS user can read). A reference may point only where the server's {@link SecretPolicy}
 * allows; that is checked when a deployment is saved and again at every resolution, since the
 * configuration (or a symbolic link) may have changed since.
 */
public final class Secrets {
  /** The name Payara gives its password-alias config source. */
  private static final String PAYARA_ALIAS_SOURCE = "Password Alias";

  private Secrets() {}

  /** Whether {@code ref} has one of the accepted forms (it may still not resolve). */
  public static boolean isReference(String ref) {
    return ref != null && ref.matches("(alias|env|file):.+");
  }

  /** The policy the server's configuration sets now. */
  public static SecretPolicy policy() {
    Config config = ConfigProvider.getConfig();
    return SecretPolicy.from(name -> config.getOptionalValue(name, String.class));
  }

  /**
   * Refuses a reference of an accepted form that points where {@code policy} does not allow.
   *
   * @throws HardstorageException {@code deployment.secret_not_allowed} (USAGE) naming the reference
   *     and the rule
   */
  public static void check(String ref, SecretPolicy policy) {
    if (isReference(ref)) {
      policy.check(ref, kind(ref), name(ref));
    }
  }

  /**
   * Refuses a repository URL whose {@code credentials_file} (an S3 credentials file the server
   * would read and sign requests to the URL's endpoint with) lies outside the policy's secrets
   * directories.
   *
   * @throws HardstorageException {@code deployment.secret_not_allowed} (USAGE)
   */
  public static void checkRepositoryUrl(String url, SecretPolicy policy) {
    credentialsFile(url).ifPresent(f -> policy.checkFile("credentials_file=" + f, Path.of(f)));
  }

  private static Optional<String> credentialsFile(String url) {
    int q = url == null ? -1 : url.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    for (String param : url.substring(q + 1).split("&")) {
      if (param.startsWith("credentials_file=")) {
        return Optional.of(
            java.net.URLDecoder.decode(
                param.substring("credentials_file=".length()), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /**
   * The secret {@code ref} names, if the server's configuration allows it.
   *
   * @throws HardstorageException {@code deployment.secret_not_allowed} (USAGE) if it points where
   *     the server does not allow; {@code deployment.secret_unresolved} (USAGE) naming the
   *     reference, never a value, if it does not resolve
   */
  public static String resolve(String ref) {
    return resolve(ref, policy());
  }

  /** As {@link #resolve(String)}, under {@code policy}. */
  static String resolve(String ref, SecretPolicy policy) {
    if (!isReference(ref)) {
      throw unresolved(ref, "it must be alias:NAME, env:VARIABLE or file:/path");
    }
    String kind = kind(ref);
    String name = name(ref);
    policy.check(ref, kind, name);
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
      default -> file(ref, Path.of(name), policy);
    };
  }

  private static String kind(String ref) {
    return ref.substring(0, ref.indexOf(':'));
  }

  private static String name(String ref) {
    return ref.substring(ref.indexOf(':') + 1);
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

  private static String file(String ref, Path path, SecretPolicy policy) {
    try {
      // read the resolved path that was judged, not the name again
      return Files.readAllLines(policy.realFile(ref, path), StandardCharsets.UTF_8).stream()
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
