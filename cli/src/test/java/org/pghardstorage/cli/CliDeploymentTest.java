package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.cli.config.ConfigHolder;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The command line builds its deployment context from {@code pg_hardstorage.yml} by the same rules
 * as the server: the configured slot (which {@code wal stream} and {@code wal preflight} used to
 * ignore), secrets in the one reference syntax with the file's documented keys still accepted.
 */
class CliDeploymentTest {
  @TempDir Path tmp;

  @AfterEach
  void forgetTheConfiguration() throws IOException {
    Path empty = Files.writeString(tmp.resolve("empty.yml"), "deployments: {}\n");
    ConfigHolder.load(Optional.of(empty));
  }

  private void configure(String deploymentYaml) throws IOException {
    Path file =
        Files.writeString(
            tmp.resolve("pg_hardstorage.yml"),
            "repository: \"file://"
                + tmp.resolve("repo")
                + "\"\ndeployments:\n  db1:\n    connection: \"host=db.test user=backup\"\n"
                + deploymentYaml);
    ConfigHolder.load(Optional.of(file));
  }

  private static DeploymentContext context(String name, String slotOption) {
    return CliDeployment.context(
        name, new PgOptions(), new RepoOptions(), Optional.ofNullable(slotOption));
  }

  @Test
  void aConfiguredSlotIsTheSlotOfEveryCommandAndSlotOverridesIt() throws IOException {
    configure("    slot: db1_own\n");

    assertThat(CliDeployment.slot("db1", Optional.empty())).isEqualTo("db1_own");
    assertThat(context("db1", null).slot()).isEqualTo("db1_own");
    assertThat(context("db1", null).backupRequest("x").streamerSlot()).isEqualTo("db1_own");
    assertThat(CliDeployment.slot("db1", Optional.of("other"))).isEqualTo("other");

    configure("");
    assertThat(context("db1", null).slot()).isEqualTo("pg_hardstorage_db1");
  }

  @Test
  void aBadDeploymentNameIsAUsageErrorEvenWithAConfiguration() throws IOException {
    configure("");

    assertThatThrownBy(() -> context("DB 1", null))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("repo.invalid_deployment");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            });
  }

  @Test
  void passwordFileIsTheFileReferenceAndResolvesToItsFirstLine() throws IOException {
    Path pw = Files.writeString(tmp.resolve("pw"), "s3cret\n");
    configure("    password_file: " + pw + "\n");

    assertThat(context("db1", null).connInfo().hasExplicitPassword()).isTrue();

    configure("    password_file: " + tmp.resolve("missing") + "\n");
    assertThatThrownBy(() -> context("db1", null).connInfo())
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("deployment.secret_unresolved"))
        .hasMessageContaining("'file:" + tmp.resolve("missing") + "'");
  }

  @Test
  void kekTakesTheFileReferenceAndStillTheDocumentedPassphraseFileForm() throws IOException {
    Path key = Files.writeString(tmp.resolve("key"), "  correct horse \n");
    for (String kek : new String[] {"file:" + key, "passphrase-file:" + key}) {
      configure("    kek: " + kek + "\n");
      RepoOptions keys = new RepoOptions().forDeployment("db1");
      assertThat(keys.kekRef()).hasValueSatisfying(r -> assertThat(r).hasToString("file:" + key));
      // a key file is read as the command line always read it: whole, white space stripped
      assertThat(new String(keys.passphrase().orElseThrow())).isEqualTo("correct horse");
    }

    configure("    kek: env:PGHS_KEY\n");
    assertThatThrownBy(() -> new RepoOptions().forDeployment("db1").kekRef())
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("config.bad_kek"));
  }
}
