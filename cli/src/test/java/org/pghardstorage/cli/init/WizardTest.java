package org.pghardstorage.cli.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class WizardTest {
  @TempDir Path tmp;

  private final StringWriter said = new StringWriter();

  private Wizard wizard(FakeProbe probe, String... answers) {
    return wizard(probe, ProtectedSystems.NONE, answers);
  }

  private Wizard wizard(FakeProbe probe, ProtectedSystems systems, String... answers) {
    Prompter p =
        new StreamPrompter(
            new BufferedReader(new StringReader(String.join("\n", answers) + "\n")),
            new PrintWriter(said, true),
            false);
    return new Wizard(p, new PostgresDetector(Map.of(), tmp, "ops", probe, List::of), systems);
  }

  /** The default repository already protects the fake server's system as {@code name}. */
  private static ProtectedSystems protectedAs(String name) {
    return (repository, system) ->
        repository.equals("file:///var/lib/pg_hardstorage/repo")
                && system.equals("7000000000000000001")
            ? Optional.of(name)
            : Optional.empty();
  }

  private InitPlan.Defaults defaults() {
    return new InitPlan.Defaults(
        null, null, "file:///var/lib/pg_hardstorage/repo", true, tmp.resolve("p.yml"));
  }

  @Test
  void enterTakesWhatDetectionFound() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    InitPlan plan = wizard(probe, "", "", "", "", "", "").ask(defaults());
    assertThat(plan.deployment()).isEqualTo("local");
    assertThat(plan.repository()).isEqualTo("file:///var/lib/pg_hardstorage/repo");
    assertThat(plan.defaultRepository()).isTrue();
    assertThat(plan.configFile()).isEqualTo(tmp.resolve("p.yml"));
    assertThat(plan.postgres().connInfo().user()).isEqualTo("postgres");
    assertThat(plan.password()).isNull();
    assertThat(plan.backup()).isTrue();
    assertThat(said.toString())
        .contains("Found PostgreSQL 16.4")
        .contains("PostgreSQL connection (libpq conninfo, no password) [host=127.0.0.1");
  }

  @Test
  void aRefusedRoleIsAskedForItsPasswordWhichMayBeStoredBesideTheConfiguration() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", true);
    InitPlan plan =
        wizard(
                probe,
                "", // the suggested connection
                "s3cret", // its password
                "db-one",
                "file:///srv/repo",
                tmp.resolve("conf/p.yml").toString(),
                "", // store the password: yes
                "n", // no backup now
                "y")
            .ask(defaults());
    assertThat(new String(plan.password())).isEqualTo("s3cret");
    assertThat(plan.passwordFile()).isEqualTo(tmp.resolve("conf/db-one.password"));
    assertThat(plan.deployment()).isEqualTo("db-one");
    assertThat(plan.repository()).isEqualTo("file:///srv/repo");
    assertThat(plan.defaultRepository()).isFalse();
    assertThat(plan.backup()).isFalse();
    assertThat(said.toString()).contains("Found none that works").doesNotContain("s3cret");
  }

  @Test
  void anExistingConfigurationFileIsAskedAgain() throws IOException {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    Path existing = Files.writeString(tmp.resolve("p.yml"), "mine");
    InitPlan plan =
        wizard(probe, "", "", "", existing.toString(), tmp.resolve("q.yml").toString(), "", "")
            .ask(defaults());
    assertThat(plan.configFile()).isEqualTo(tmp.resolve("q.yml"));
    assertThat(said.toString()).contains("already exists");
  }

  @Test
  void anInvalidDeploymentNameIsAskedAgain() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    InitPlan plan = wizard(probe, "", "Not Valid", "ok", "", "", "", "").ask(defaults());
    assertThat(plan.deployment()).isEqualTo("ok");
  }

  @Test
  void inputEndingEarlyChangesNothing() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    assertThatThrownBy(() -> wizard(probe, "", "local").ask(defaults()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("init.no_answer");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.suggestion()).get().asString().contains("--quick");
            });
  }

  @Test
  void decliningThePlanCancels() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    assertThatThrownBy(() -> wizard(probe, "", "", "", "", "", "n").ask(defaults()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("init.cancelled");
              assertThat(e.exitCode()).isEqualTo(ExitCode.ABORTED);
            });
  }

  @Test
  void aServerTheRepositoryAlreadyProtectsIsOfferedForReuse() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    InitPlan plan =
        wizard(probe, protectedAs("db-old"), "", "", "", "", "", "", "").ask(defaults());
    assertThat(plan.deployment()).isEqualTo("db-old");
    assertThat(plan.existingDeployment()).isTrue();
    assertThat(said.toString())
        .contains(
            "This server (database system 7000000000000000001) is already deployment db-old in"
                + " file:///var/lib/pg_hardstorage/repo. Reuse db-old instead of creating"
                + " deployment local")
        .contains("with the existing deployment db-old");
  }

  @Test
  void declinedReuseMakesASecondDeploymentKnowingly() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    InitPlan plan =
        wizard(probe, protectedAs("db-old"), "", "", "", "n", "", "", "").ask(defaults());
    assertThat(plan.deployment()).isEqualTo("local");
    assertThat(plan.existingDeployment()).isFalse();
    assertThat(said.toString()).contains("second deployment of the same server");
  }

  @Test
  void theSameNameIsReusedWithoutAsking() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    InitPlan plan = wizard(probe, protectedAs("local"), "", "", "", "", "", "").ask(defaults());
    assertThat(plan.deployment()).isEqualTo("local");
    assertThat(plan.existingDeployment()).isTrue();
    assertThat(said.toString()).doesNotContain("Reuse");
  }

  @Test
  void anotherRepositoryOffersNothing() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    InitPlan plan =
        wizard(probe, protectedAs("db-old"), "", "", "file:///srv/other", "", "", "")
            .ask(defaults());
    assertThat(plan.deployment()).isEqualTo("local");
    assertThat(plan.existingDeployment()).isFalse();
  }
}
