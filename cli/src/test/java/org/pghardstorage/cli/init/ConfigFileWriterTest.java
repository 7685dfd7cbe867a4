package org.pghardstorage.cli.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.cli.config.CliConfig;
import org.pghardstorage.cli.config.DeploymentConfig;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class ConfigFileWriterTest {
  private static final Instant NOW = Instant.parse("2026-11-30T20:00:00.123Z");

  @TempDir Path tmp;

  @Test
  void writesAFileTheConfigurationReaderAccepts() {
    Path file = tmp.resolve("etc/pg_hardstorage.yml");
    String conn = "host=127.0.0.1 port=5432 user='it\\'s \"me\"' dbname=postgres sslmode=prefer";
    ConfigFileWriter.write(
        file,
        ConfigFileWriter.render(
            new ConfigFileWriter.Settings(
                "local",
                conn,
                "file:///var/lib/pg_hardstorage/repo",
                Path.of("/etc/pg_hardstorage/local.password"),
                "passphrase-file:/etc/pg_hardstorage/key"),
            NOW));
    CliConfig read = CliConfig.read(file);
    assertThat(read.repository()).isEqualTo("file:///var/lib/pg_hardstorage/repo");
    DeploymentConfig d = read.deployment("local").orElseThrow();
    assertThat(d.connection()).isEqualTo(conn);
    assertThat(d.passwordFile()).isEqualTo("/etc/pg_hardstorage/local.password");
    assertThat(d.kek()).isEqualTo("passphrase-file:/etc/pg_hardstorage/key");
    assertThat(read.repositoryFor("local")).contains("file:///var/lib/pg_hardstorage/repo");
  }

  @Test
  void leavesOutWhatIsNotGivenAndNamesWhereTheSettingsAreDocumented() {
    String text =
        ConfigFileWriter.render(
            new ConfigFileWriter.Settings("db1", "host=db1", "file:///r", null, null), NOW);
    assertThat(text)
        .contains("2026-11-30T20:00:00Z")
        .contains("docs/reference/configuration.md")
        .doesNotContain("password")
        .doesNotContain("kek");
  }

  @Test
  void neverOverwritesAnExistingFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("pg_hardstorage.yml"), "mine\n");
    assertThatThrownBy(() -> ConfigFileWriter.write(file, "theirs\n"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("init.config_exists");
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.suggestion()).get().asString().contains("--config");
            });
    assertThat(Files.readString(file)).isEqualTo("mine\n");
  }

  @Test
  void thePasswordFileIsReadableByItsOwnerOnly() throws IOException {
    Path file = tmp.resolve("conf/local.password");
    char[] password = "s3cret".toCharArray();
    ConfigFileWriter.writePassword(file, password);
    assertThat(Files.readString(file)).isEqualTo("s3cret\n");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> ConfigFileWriter.writePassword(file, password))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT));
  }

  @Test
  void quotesEveryCharacterThatCouldChangeTheShape() {
    assertThat(ConfigFileWriter.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
  }
}
