package org.pghardstorage.ejb.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class SecretsTest {
  @TempDir Path dir;
  private Path secrets;
  private SecretPolicy policy;

  @BeforeEach
  void allowOneDirectory() throws Exception {
    secrets = Files.createDirectory(dir.resolve("secrets"));
    policy = new SecretPolicy(List.of(secrets), List.of("PGHS_SECRET_"), List.of("pghs-secret-"));
  }

  @Test
  void aFileReferenceResolvesToItsFirstLine() throws Exception {
    Path f = secrets.resolve("pw");
    Files.writeString(f, "s3cret\nignored\n");

    assertThat(Secrets.resolve("file:" + f, policy)).isEqualTo("s3cret");
  }

  @Test
  void onlyReferencesAreAcceptedAndFailuresNameTheReferenceNotASecret() {
    assertThat(Secrets.isReference("alias:db1")).isTrue();
    assertThat(Secrets.isReference("env:PGPASS")).isTrue();
    assertThat(Secrets.isReference("hunter2")).isFalse();
    assertThat(Secrets.isReference("file:")).isFalse();

    assertThatThrownBy(() -> Secrets.resolve("hunter2", policy))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("'hunter2'");
    assertThatThrownBy(() -> Secrets.resolve("file:" + secrets.resolve("missing"), policy))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("does not resolve")
        .extracting(e -> ((HardstorageException) e).code())
        .isEqualTo("deployment.secret_unresolved");
    assertThatThrownBy(() -> Secrets.resolve("env:PGHS_SECRET_SURELY_UNSET_VARIABLE", policy))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("deployment.secret_unresolved"))
        .hasMessageContaining("env:PGHS_SECRET_SURELY_UNSET_VARIABLE");
  }

  @Test
  void aFileOutsideTheSecretsDirectoriesIsNeverRead() throws Exception {
    Path outside = Files.writeString(dir.resolve("elsewhere"), "not-for-you\n");
    Path link = Files.createSymbolicLink(secrets.resolve("link"), outside);
    Path linkedDir = Files.createSymbolicLink(secrets.resolve("sub"), dir);
    for (String ref :
        new String[] {
          "file:" + outside,
          "file:" + link,
          "file:" + linkedDir.resolve("elsewhere"),
          "file:" + secrets + "/../elsewhere",
          "file:" + secrets,
          "file:/etc/passwd",
          "file:relative/pw",
        }) {
      assertThatThrownBy(() -> Secrets.resolve(ref, policy))
          .as(ref)
          .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
          .hasMessageContaining("'" + ref + "'")
          .hasMessageNotContaining("not-for-you");
      assertThatThrownBy(() -> Secrets.check(ref, policy))
          .as("refused when saved too: " + ref)
          .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed);
    }
  }

  @Test
  void aLinkThatEscapesAfterTheDeploymentWasSavedIsRefusedWhenResolved() throws Exception {
    Path f = secrets.resolve("later");
    Secrets.check("file:" + f, policy); // does not exist yet: judged by its name
    Files.createSymbolicLink(f, Files.writeString(dir.resolve("target"), "x\n"));

    assertThatThrownBy(() -> Secrets.resolve("file:" + f, policy))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("resolves to " + dir.toRealPath().resolve("target"));
  }

  @Test
  void environmentVariablesAndAliasesNeedTheirPrefix() {
    // PATH exists in every environment: the refusal comes before any lookup
    assertThatThrownBy(() -> Secrets.resolve("env:PATH", policy))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("PGHS_SECRET_")
        .hasMessageContaining(SecretPolicy.ENV_PREFIXES);
    assertThatThrownBy(() -> Secrets.resolve("alias:pghs-catalogue-password", policy))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("pghs-secret-")
        .hasMessageContaining(SecretPolicy.ALIAS_PREFIXES);
    Secrets.check("alias:pghs-secret-db1", policy);
    Secrets.check("env:PGHS_SECRET_DB1", policy);
  }

  @Test
  void theConfigurationSetsThePolicyWithSecureDefaults() {
    SecretPolicy defaults = SecretPolicy.from(name -> Optional.empty());
    assertThat(defaults.fileDirectories()).containsExactly(Path.of("/etc/pg_hardstorage/secrets"));
    assertThat(defaults.envPrefixes()).containsExactly("PGHS_SECRET_");
    assertThat(defaults.aliasPrefixes()).containsExactly("pghs-secret-");

    Map<String, String> config =
        Map.of(
            SecretPolicy.FILE_DIRECTORIES, "/srv/a, /srv/b",
            SecretPolicy.ENV_PREFIXES, "none",
            SecretPolicy.ALIAS_PREFIXES, "db-");
    SecretPolicy configured = SecretPolicy.from(name -> Optional.ofNullable(config.get(name)));
    assertThat(configured.fileDirectories()).containsExactly(Path.of("/srv/a"), Path.of("/srv/b"));
    assertThat(configured.envPrefixes()).isEmpty();
    assertThatThrownBy(() -> Secrets.check("env:PGHS_SECRET_X", configured))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("switched off");

    for (String bad : new String[] {"srv/relative", "/srv/a,,/srv/b"}) {
      assertThatThrownBy(
              () ->
                  SecretPolicy.from(
                      name ->
                          Optional.ofNullable(
                              name.equals(SecretPolicy.FILE_DIRECTORIES) ? bad : null)))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> assertThat(e.code()).isEqualTo("server.config_invalid"))
          .hasMessageContaining(SecretPolicy.FILE_DIRECTORIES);
    }
  }

  @Test
  void anS3CredentialsFileInARepositoryUrlIsASecretFileToo() throws Exception {
    Path inside = Files.writeString(secrets.resolve("aws"), "[default]\n");
    Secrets.checkRepositoryUrl("s3://b/p?region=x&credentials_file=" + inside, policy);
    Secrets.checkRepositoryUrl("file:///srv/repo", policy);
    assertThatThrownBy(
            () ->
                Secrets.checkRepositoryUrl(
                    "s3://b/p?endpoint=https://evil.example&credentials_file=%2Froot%2F.aws%2Fcredentials",
                    policy))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("credentials_file=/root/.aws/credentials");
  }

  @Test
  void aDeploymentPointingOutsideIsRefusedWhenSaved() {
    DeploymentSpec spec =
        new DeploymentSpec(
            "db1",
            "host=db1 user=backup",
            "file:/etc/shadow",
            "file:///srv/repo",
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThatThrownBy(() -> DeploymentService.validate(spec, policy))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("'file:/etc/shadow'");
    DeploymentSpec kek =
        new DeploymentSpec(
            "db1",
            "host=db1 user=backup",
            null,
            "file:///srv/repo",
            null,
            "env:HOME",
            null,
            null,
            null,
            null,
            null);
    assertThatThrownBy(() -> DeploymentService.validate(kek, policy))
        .isInstanceOfSatisfying(HardstorageException.class, SecretsTest::assertNotAllowed)
        .hasMessageContaining("'env:HOME'");
  }

  private static void assertNotAllowed(HardstorageException e) {
    assertThat(e.code()).isEqualTo("deployment.secret_not_allowed");
    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(e.suggestion()).isPresent();
  }
}
