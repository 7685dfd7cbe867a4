package org.pghardstorage.ejb.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.deployment.SecretResolver;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The server's {@link SecretResolver}: resolves a secret reference as the catalogue stores it
 * ({@link SecretRef}'s one syntax), never the secret itself: {@code alias:NAME} (a Payara password
 * alias, read through MicroProfile Config), {@code env:VAR} (an environment variable of the server
 * process) or {@code file:/path} (the first line of a file the server's OS user can read). A
 * reference may point only where the server's {@link SecretPolicy} allows; that is checked when a
 * deployment is saved and again at every resolution, since the configuration (or a symbolic link)
 * may have changed since.
 */
public final class Secrets {
  /** The name Payara gives its password-alias config source. */
  private static final String PAYARA_ALIAS_SOURCE = "Password Alias";

  private Secrets() {}

  /** Whether {@code ref} has one of the accepted forms (it may still not resolve). */
  public static boolean isReference(String ref) {
    return SecretRef.isReference(ref);
  }

  /**
   * The resolver the server's deployment contexts use: the policy is read anew at every resolution,
   * since the configuration (or a symbolic link) may have changed since.
   */
  public static SecretResolver resolver() {
    return new SecretResolver() {
      @Override
      public String resolve(SecretRef ref) {
        return Secrets.resolve(ref.toString());
      }

      @Override
      public void checkRepositoryUrl(String url) {
        Secrets.checkRepositoryUrl(url, policy());
      }
    };
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
      SecretRef r = SecretRef.parse(ref, "secret reference");
      policy.check(ref, kind(r), r.name());
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
    SecretRef r = SecretRef.parse(ref, "secret reference");
    policy.check(ref, kind(r), r.name());
    return switch (r.kind()) {
      case ALIAS ->
          alias(r.name())
              .orElseThrow(
                  () ->
                      SecretResolver.unresolved(
                          r,
                          "create it with: asadmin create-password-alias "
                              + r.name()
                              + " (the password is prompted for, never on the command line),"
                              + " then restart the server: Payara reads its aliases when it"
                              + " starts"));
      case ENV ->
          Optional.ofNullable(System.getenv(r.name()))
              .orElseThrow(
                  () ->
                      SecretResolver.unresolved(
                          r, "set " + r.name() + " in the server's environment"));
      case FILE -> file(r, policy);
    };
  }

  /** The policy's name of a kind ({@code file}, {@code env}, {@code alias}). */
  private static String kind(SecretRef ref) {
    return ref.kind().name().toLowerCase(java.util.Locale.ROOT);
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

  private static String file(SecretRef ref, SecretPolicy policy) {
    Path real;
    try {
      real = policy.realFile(ref.toString(), Path.of(ref.name()));
    } catch (IOException e) {
      throw SecretResolver.unresolved(
          ref, "the server cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    // read the resolved path that was judged, not the name again
    return SecretResolver.firstLine(ref, real);
  }
}
