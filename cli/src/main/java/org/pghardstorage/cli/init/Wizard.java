package org.pghardstorage.cli.init;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.Endpoint;
import org.pghardstorage.core.repo.Deployment;

/**
 * The guided {@code init}: asks for the connection, deployment name, repository and configuration
 * file, each with what detection found as the default, then shows the plan and asks before changing
 * anything. Nothing is written while questions remain.
 */
public final class Wizard {
  private static final int TRIES = 3;

  private final Prompter prompter;
  private final PostgresDetector detector;
  private final ProtectedSystems protectedSystems;

  /** A wizard asking through {@code prompter}, checking connections with {@code detector}. */
  public Wizard(Prompter prompter, PostgresDetector detector) {
    this(prompter, detector, ProtectedSystems.NONE);
  }

  /**
   * A wizard that also offers to reuse the deployment of the chosen repository that already
   * protects the server found ({@code protectedSystems}).
   */
  public Wizard(Prompter prompter, PostgresDetector detector, ProtectedSystems protectedSystems) {
    this.prompter = prompter;
    this.detector = detector;
    this.protectedSystems = protectedSystems;
  }

  /**
   * Asks every question and returns the confirmed plan.
   *
   * @param defaults the answers given as flags or found by default
   * @throws HardstorageException {@code init.cancelled} (ABORTED) when the plan is declined, {@code
   *     init.no_answer} at end of input, or the last connection failure
   */
  public InitPlan ask(InitPlan.Defaults defaults) {
    PostgresDetector.Detected found = detectQuietly(defaults.connection());
    String suggested =
        found != null
            ? found.connInfo().withoutPassword().redacted()
            : defaults.connection() != null ? defaults.connection() : detector.suggestion();
    Connected c = connect(suggested, found);
    Endpoint endpoint = c.detected().connInfo().endpoints().get(0);
    String deployment =
        askDeployment(
            defaults.deployment() != null
                ? defaults.deployment()
                : DeploymentNames.derive(endpoint.host(), endpoint.port()));
    String repository = prompter.ask("Repository URL (created if missing)", defaults.repository());
    Optional<String> existing =
        protectedSystems.deploymentOf(repository, c.detected().server().systemIdentifier());
    if (existing.isPresent() && !existing.get().equals(deployment)) {
      if (prompter.confirm(
          "This server (database system "
              + c.detected().server().systemIdentifier()
              + ") is already deployment "
              + existing.get()
              + " in "
              + repository
              + ". Reuse "
              + existing.get()
              + " instead of creating deployment "
              + deployment
              + " (its backups and WAL continue)?",
          true)) {
        deployment = existing.get();
      } else {
        existing = Optional.empty();
        prompter.say(
            "Then "
                + deployment
                + " is a second deployment of the same server, with a slot and WAL of its own.");
      }
    }
    Path config = askConfigFile(defaults.configFile());
    Path passwordFile = null;
    if (c.password() != null) {
      Path candidate = config.toAbsolutePath().getParent().resolve(deployment + ".password");
      if (prompter.confirm(
          "Store the password in " + candidate + " (readable by you only)?", true)) {
        passwordFile = candidate;
      } else {
        prompter.say("Then give it in PGPASSWORD or ~/.pgpass whenever pg_hardstorage runs.");
      }
    }
    boolean backup = prompter.confirm("Take the first backup now?", true);
    InitPlan plan =
        new InitPlan(
            c.detected(),
            deployment,
            repository,
            repository.equals(defaults.repository()) && defaults.defaultRepository(),
            config,
            c.password(),
            passwordFile,
            backup,
            existing.isPresent());
    confirm(plan);
    return plan;
  }

  private record Connected(PostgresDetector.Detected detected, char[] password) {}

  private PostgresDetector.Detected detectQuietly(String explicit) {
    prompter.say("Looking for PostgreSQL ...");
    try {
      PostgresDetector.Detected d =
          explicit != null ? detector.check(explicit, "--pg-connection") : detector.detect();
      prompter.say(
          "Found PostgreSQL "
              + d.server().version()
              + ": "
              + d.connInfo().withoutPassword().redacted());
      return d;
    } catch (HardstorageException e) {
      prompter.say("Found none that works: " + e.getMessage());
      return null;
    }
  }

  private Connected connect(String suggested, PostgresDetector.Detected found) {
    String question = "PostgreSQL connection (libpq conninfo, no password)";
    String conninfo = prompter.ask(question, suggested);
    if (found != null && conninfo.equals(suggested)) {
      return new Connected(found, null);
    }
    char[] password = null;
    for (int attempt = 1; ; attempt++) {
      try {
        ConnInfo ci = detector.parse(conninfo);
        if (password != null) {
          ci = ci.withPassword(new String(password));
        }
        return new Connected(detector.check(ci, "answer"), password);
      } catch (HardstorageException e) {
        if (attempt == TRIES) {
          throw e;
        }
        prompter.say("Cannot connect: " + e.getMessage());
        if (e.exitCode() == ExitCode.AUTHENTICATION) {
          char[] typed = prompter.askSecret("Password (Enter for none)");
          if (typed.length == 0) {
            throw e;
          }
          password = typed;
        } else {
          conninfo = prompter.ask(question, conninfo);
        }
      }
    }
  }

  private String askDeployment(String suggested) {
    for (int attempt = 1; ; attempt++) {
      String name =
          prompter.ask("Deployment name (this database's name in the repository)", suggested);
      if (Deployment.isValid(name)) {
        return name;
      }
      if (attempt == TRIES) {
        throw new HardstorageException(
            "usage.bad_deployment",
            ExitCode.USAGE,
            "'" + name + "' is not a valid deployment name",
            "lower case letters, digits, '_' and '-', starting with a letter or digit");
      }
      prompter.say("Use lower case letters, digits, '_' and '-', starting with a letter or digit.");
    }
  }

  private Path askConfigFile(Path suggested) {
    String question = "Configuration file to write";
    for (int attempt = 1; ; attempt++) {
      Path p = Path.of(prompter.ask(question, suggested == null ? null : suggested.toString()));
      if (!Files.exists(p)) {
        return p;
      }
      if (attempt == TRIES) {
        throw ConfigFileWriter.exists(p);
      }
      prompter.say(p + " already exists and init never overwrites it; choose another path.");
    }
  }

  private void confirm(InitPlan plan) {
    prompter.say("");
    prompter.say("About to:");
    if (plan.defaultRepository()) {
      prompter.say("  - create (or reuse) the repository " + plan.repository());
    } else {
      prompter.say("  - use the repository " + plan.repository() + ", creating it if missing");
    }
    if (plan.passwordFile() != null) {
      prompter.say("  - write the password to " + plan.passwordFile());
    }
    prompter.say(
        "  - write "
            + plan.configFile()
            + " with "
            + (plan.existingDeployment() ? "the existing deployment " : "deployment ")
            + plan.deployment());
    if (plan.backup()) {
      prompter.say("  - take the first backup of " + plan.deployment());
    }
    if (!prompter.confirm("Go ahead?", true)) {
      if (plan.password() != null) {
        Arrays.fill(plan.password(), '\0');
      }
      throw new HardstorageException(
          "init.cancelled", ExitCode.ABORTED, "cancelled; nothing was changed", null);
    }
  }
}
