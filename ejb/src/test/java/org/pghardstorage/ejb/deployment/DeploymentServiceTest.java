package org.pghardstorage.ejb.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * What a deployment's repository URL and secret references must be before the catalogue stores it.
 */
class DeploymentServiceTest {
  private static final SecretPolicy SECRETS =
      new SecretPolicy(List.of(Path.of("/etc/pg_hardstorage/secrets")), List.of(), List.of());

  @ParameterizedTest
  @ValueSource(strings = {"memory://db1", "nosuch://db1/x"})
  void aRepositoryNoServerCanOpenIsRefusedWhenSaved(String url) {
    DeploymentSpec spec =
        new DeploymentSpec(
            "db1", "host=db1 user=backup", null, url, null, null, null, null, null, null, null);
    assertThatThrownBy(() -> DeploymentService.validate(spec, SECRETS))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("repo.bad_url");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            })
        .hasMessageContaining(url);
  }

  @Test
  void aSecretReferenceOutsideTheOneSyntaxIsRefusedNamingTheSetting() {
    DeploymentSpec spec =
        new DeploymentSpec(
            "db1",
            "host=db1 user=backup",
            null,
            "file:///srv/repo",
            null,
            "passphrase-file:/etc/pg_hardstorage/secrets/key",
            null,
            null,
            null,
            null,
            null);
    assertThatThrownBy(() -> DeploymentService.validate(spec, SECRETS))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("deployment.bad_secret_ref");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            })
        .hasMessageContaining("kek_ref 'passphrase-file:/etc/pg_hardstorage/secrets/key'");
  }

  @Test
  void theNameOfTheOverviewPathIsRefusedAndOthersAreNot() {
    assertThatThrownBy(() -> DeploymentService.refuseReserved("overview"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("deployment.name_reserved");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            })
        .hasMessageContaining("'overview'");
    DeploymentService.refuseReserved("overviews");
    DeploymentService.refuseReserved("db1");
  }
}
