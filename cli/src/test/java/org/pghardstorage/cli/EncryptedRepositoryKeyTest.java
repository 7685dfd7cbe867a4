package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.cli.InProcess.Run;

/**
 * An encrypted repository: the key comes from the configured deployment's {@code kek} also when no
 * deployment is named, and a missing key is answered with every way to give it.
 */
class EncryptedRepositoryKeyTest {
  @TempDir Path tmp;
  private String url;
  private Path passphrase;
  private Path config;

  @BeforeEach
  void encryptedRepository() throws IOException {
    url = "file://" + tmp.resolve("repo");
    passphrase = tmp.resolve("passphrase");
    Files.writeString(passphrase, "correct horse battery staple\n");
    config = tmp.resolve("pg_hardstorage.yml");
    Files.writeString(tmp.resolve("empty.yml"), "deployments: {}\n");
    Run init =
        InProcess.run(
            tmp.resolve("empty.yml"),
            "repo",
            "init",
            url,
            "--encryption",
            "aes-256-gcm",
            "--passphrase-file",
            passphrase.toString());
    assertThat(init.exit()).as(init.toString()).isZero();
  }

  @Test
  void theDeploymentsKekOpensTheRepositoryWhenNoDeploymentIsNamed() throws IOException {
    Files.writeString(
        config,
        "repository: \""
            + url
            + "\"\ndeployments:\n  db1:\n    kek: \"passphrase-file:"
            + passphrase
            + "\"\n");
    Run list = InProcess.run(config, "list");
    assertThat(list.exit()).as(list.toString()).isZero();
    Run info = InProcess.run(config, "repo", "info");
    assertThat(info.exit()).as(info.toString()).isZero();
    assertThat(info.result().path("encryption").asText()).isEqualTo("aes-256-gcm");
  }

  @Test
  void aMissingKeyIsAnsweredWithEveryWayToGiveIt() throws IOException {
    Files.writeString(config, "repository: \"" + url + "\"\ndeployments:\n  db1: {}\n");
    for (String[] args :
        new String[][] {{"list"}, {"repo", "info"}, {"verify", "db1", "latest"}, {"list", "db1"}}) {
      Run r = InProcess.run(config, args);
      assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(3);
      assertThat(r.code()).isEqualTo("crypto.key_required");
      assertThat(r.suggestion())
          .contains("--passphrase-file FILE")
          .contains("PGHS_PASSPHRASE_FILE=FILE")
          .contains("kek: passphrase-file:FILE")
          .contains(config.toString());
    }
  }

  @Test
  void anUnsupportedKekIsRefusedNotIgnored() throws IOException {
    Files.writeString(
        config,
        "repository: \"" + url + "\"\ndeployments:\n  db1:\n    kek: \"kms:arn:aws:kms:x\"\n");
    Run r = InProcess.run(config, "list", "db1");
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.code()).isEqualTo("config.bad_kek");
    assertThat(r.message()).contains("kms:arn:aws:kms:x");
  }
}
