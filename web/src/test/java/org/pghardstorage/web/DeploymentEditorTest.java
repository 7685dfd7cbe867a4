package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.wal.PreflightCheck;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.ejb.deployment.DeploymentSpec;

/**
 * How the add and edit page's form becomes the API's request, where a refusal of the service is
 * shown, and that a secret typed where its reference belongs is never shown again.
 */
class DeploymentEditorTest {
  private static Map<String, String> form(String... pairs) {
    Map<String, String> m = DeploymentEditor.empty();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void theFormBecomesTheApisRequestWithBlankOptionalFieldsLeftOut() {
    DeploymentSpec spec =
        DeploymentEditor.spec(
            form(
                "name", " db1 ",
                "conninfo", "host=db1 user=backup",
                "password_ref", "file:/etc/pg_hardstorage/secrets/db1",
                "repository_url", "file:///srv/repo",
                "backup_schedule", "30 2 * * *",
                "keep.daily", "9"),
            false);
    assertThat(spec)
        .isEqualTo(
            new DeploymentSpec(
                "db1",
                "host=db1 user=backup",
                "file:/etc/pg_hardstorage/secrets/db1",
                "file:///srv/repo",
                null,
                null,
                "30 2 * * *",
                null,
                null,
                new DeploymentSpec.Keep(0, 9, 4, 6, 0),
                false));
    assertThat(DeploymentEditor.spec(DeploymentEditor.empty(), true).keep())
        .isEqualTo(DeploymentSpec.Keep.DEFAULT);
  }

  @Test
  void aKeepCountThatIsNotAWholeNumberIsAFieldErrorOfKeep() {
    for (String bad : List.of("", "-1", "two", "1.5")) {
      assertThatThrownBy(() -> DeploymentEditor.spec(form("keep.weekly", bad), true))
          .as(bad)
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("deployment.invalid");
                assertThat(DeploymentEditor.fieldOf(EngineError.of(e), Map.of())).isEqualTo("keep");
              })
          .hasMessage("field keep.weekly is missing or invalid: " + bad);
    }
  }

  @Test
  void aRefusalIsPlacedAtTheFieldItNames() {
    Map<String, String> v =
        form(
            "password_ref", "alias:db1",
            "kek_ref", "file:/tmp/key");
    assertThat(field("deployment.invalid", "field repository_url is missing or invalid: null", v))
        .isEqualTo("repository_url");
    assertThat(field("deployment.invalid", "field name is missing or invalid: A", v))
        .isEqualTo("name");
    assertThat(field("deployment.password_in_conninfo", "the conninfo of 'x' carries", v))
        .isEqualTo("conninfo");
    assertThat(field("pg.conninfo_invalid", "bad", v)).isEqualTo("conninfo");
    assertThat(field("deployment.exists", "deployment 'db1' already exists", v)).isEqualTo("name");
    assertThat(field("deployment.name_reserved", "the name 'overview' is reserved", v))
        .isEqualTo("name");
    assertThat(field("repo.bad_url", "nosuch://x is not", v)).isEqualTo("repository_url");
    assertThat(field("deployment.bad_schedule", "verifySchedule '61 * * * *' is not", v))
        .isEqualTo("verify_schedule");
    assertThat(field("deployment.bad_secret_ref", "kek_ref 'x' is not a secret reference", v))
        .isEqualTo("kek_ref");
    assertThat(
            field(
                "deployment.secret_not_allowed",
                "the secret reference 'file:/tmp/key' is not allowed on this server: …",
                v))
        .isEqualTo("kek_ref");
    assertThat(
            field(
                "deployment.secret_not_allowed",
                "the secret reference 'alias:db1' is not allowed on this server: …",
                v))
        .isEqualTo("password_ref");
    assertThat(
            field(
                "deployment.secret_not_allowed",
                "the secret reference 'credentials_file=/tmp/c' is not allowed on this server",
                v))
        .isEqualTo("repository_url");
    assertThat(field("pg.auth_failed", "password authentication failed", v)).isEmpty();
    assertThat(field("deployment.not_found", "no deployment 'db1' in the catalogue", v)).isEmpty();
  }

  private static String field(String code, String detail, Map<String, String> v) {
    return DeploymentEditor.fieldOf(new EngineError(code, detail, ""), v);
  }

  @Test
  void aPasswordTypedWhereItsReferenceBelongsIsNeverRepeated() {
    Map<String, String> v =
        form(
            "password_ref", "hunter2-literal",
            "kek_ref", "file:/etc/pg_hardstorage/secrets/key",
            "conninfo", "host=db1 user=backup");
    assertThat(DeploymentEditor.secretsEntered(v)).isEqualTo("password_ref");
    // the service's own message names the offending value
    HardstorageException refused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> SecretRef.parse("hunter2-literal", "password_ref"), HardstorageException.class);
    assertThat(refused.getMessage()).contains("hunter2-literal");
    EngineError shown = DeploymentEditor.withoutSecrets(EngineError.of(refused), v);
    assertThat(shown.code()).isEqualTo("deployment.bad_secret_ref");
    assertThat(shown.detail() + shown.suggestion())
        .doesNotContain("hunter2-literal")
        .contains("password_ref", "not shown");
    assertThat(DeploymentEditor.fieldOf(shown, v)).isEqualTo("password_ref");

    String withPassword = "host=db1 user=backup password=hunter2";
    assertThat(ConnInfo.parse(withPassword).hasExplicitPassword()).isTrue();
    assertThat(DeploymentEditor.secretsEntered(form("conninfo", withPassword)))
        .isEqualTo("conninfo");
    assertThat(
            DeploymentEditor.secretsEntered(
                form("conninfo", "postgresql://backup:hunter2@db1/postgres")))
        .isEqualTo("conninfo");
    assertThat(DeploymentEditor.secretsEntered(DeploymentEditor.empty())).isEmpty();
  }

  @Test
  void theTestSaysWhetherTheRoleMayReplicate() {
    PreflightReport yes =
        new PreflightReport(
            "18.1",
            "pg_hardstorage_db1",
            List.of(
                new PreflightCheck("server_version", PreflightCheck.Status.PASS, "18.1", null),
                new PreflightCheck(
                    "role_replication",
                    PreflightCheck.Status.PASS,
                    "role backup has REPLICATION",
                    null)));
    assertThat(DeploymentEditor.replication(yes)).isEqualTo("yes: role backup has REPLICATION");
    PreflightReport no =
        new PreflightReport(
            "18.1",
            "pg_hardstorage_db1",
            List.of(
                new PreflightCheck(
                    "role_replication",
                    PreflightCheck.Status.FAIL,
                    "role app lacks the REPLICATION attribute",
                    "ALTER ROLE app REPLICATION")));
    assertThat(DeploymentEditor.replication(no))
        .isEqualTo("no: role app lacks the REPLICATION attribute (ALTER ROLE app REPLICATION)");
  }

  @Test
  void theRefusalNamesTheRoleTheApiAsks() {
    assertThat(DeploymentEditor.refusal("olga"))
        .isEqualTo(
            "Not allowed: adding or changing a deployment needs the admin role, as POST and PUT"
                + " /api/v1/deployments do, and olga is not an admin. Nothing was changed.");
  }
}
