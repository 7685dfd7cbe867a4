package org.pghardstorage.cli.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine.Option;

/**
 * How to reach a pg_hardstorage server. Secrets never come from the command line, where {@code ps}
 * shows them: a password or API token is read from a file or the environment.
 */
public final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Ask the pg_hardstorage server at URL (e.g. https://backup.example.com:8181) instead of"
              + " reading the repository (default: $PGHS_SERVER).")
  String url;

  @Option(
      names = "--server-user",
      paramLabel = "USER",
      description =
          "User for HTTP Basic authentication (default: $PGHS_SERVER_USER); the password comes"
              + " from --server-password-file or $PGHS_SERVER_PASSWORD.")
  String user;

  @Option(
      names = "--server-password-file",
      paramLabel = "FILE",
      description = "File holding the server user's password (first line).")
  Path passwordFile;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding an API token (Authorization: Bearer); default: $PGHS_API_TOKEN. Takes"
              + " precedence over a user and password.")
  Path tokenFile;

  private Map<String, String> env = System.getenv();

  /** For tests: another environment. */
  ServerOptions withEnvironment(Map<String, String> environment) {
    this.env = environment;
    return this;
  }

  /** Whether a server was named, by option or environment. */
  public boolean given() {
    return url().isPresent();
  }

  /** A client of the named server. */
  public ServerClient client() {
    String base =
        url()
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "usage.no_server",
                        ExitCode.USAGE,
                        "this command needs a pg_hardstorage server",
                        "pass --server URL or set PGHS_SERVER"));
    return new ServerClient(base, authorization());
  }

  private Optional<String> url() {
    return Optional.ofNullable(url).or(() -> nonBlank(env.get("PGHS_SERVER")));
  }

  /** The Authorization header value, if credentials were given. */
  Optional<String> authorization() {
    Optional<String> token =
        tokenFile != null
            ? Optional.of(readSecret(tokenFile, "--token-file"))
            : nonBlank(env.get("PGHS_API_TOKEN"));
    if (token.isPresent()) {
      return Optional.of("Bearer " + token.get());
    }
    Optional<String> who =
        Optional.ofNullable(user).or(() -> nonBlank(env.get("PGHS_SERVER_USER")));
    if (who.isEmpty()) {
      return Optional.empty();
    }
    String password =
        passwordFile != null
            ? readSecret(passwordFile, "--server-password-file")
            : nonBlank(env.get("PGHS_SERVER_PASSWORD"))
                .orElseThrow(
                    () ->
                        new HardstorageException(
                            "usage.no_server_password",
                            ExitCode.USAGE,
                            "no password for server user " + who.get(),
                            "pass --server-password-file FILE or set PGHS_SERVER_PASSWORD"));
    String pair = who.get() + ":" + password;
    return Optional.of(
        "Basic "
            + java.util.Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  private static String readSecret(Path file, String option) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      if (s.isBlank()) {
        throw new HardstorageException(
            "usage.empty_secret_file",
            ExitCode.USAGE,
            option + " " + file + " is empty",
            "write the secret on the file's first line");
      }
      return s.strip();
    } catch (IOException e) {
      throw new HardstorageException(
          "usage.unreadable_secret_file",
          ExitCode.USAGE,
          "cannot read " + option + " " + file + ": " + e.getMessage(),
          "check the path and that this user may read it");
    }
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }
}
