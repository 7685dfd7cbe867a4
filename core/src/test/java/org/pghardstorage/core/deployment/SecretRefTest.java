package org.pghardstorage.core.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class SecretRefTest {
  @TempDir Path dir;

  @Test
  void theOneSyntaxParsesAndPrintsAsWritten() {
    assertThat(SecretRef.parse("env:PGHS_SECRET_DB1", "password_ref"))
        .isEqualTo(SecretRef.env("PGHS_SECRET_DB1"))
        .hasToString("env:PGHS_SECRET_DB1");
    assertThat(SecretRef.parse("file:/etc/pw", "password_ref"))
        .isEqualTo(SecretRef.file("/etc/pw"));
    assertThat(SecretRef.parse("alias:pghs-secret-db1", "kek_ref").kind())
        .isEqualTo(SecretRef.Kind.ALIAS);
  }

  @Test
  void anythingElseIsAUsageErrorNamingTheSettingAndTheForms() {
    for (String bad : new String[] {"hunter2", "file:", "passphrase-file:/x", "ENV:X"}) {
      assertThatThrownBy(() -> SecretRef.parse(bad, "kek"))
          .as(bad)
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("deployment.bad_secret_ref");
                assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                assertThat(e.suggestion().orElseThrow()).contains("env:VARIABLE", "file:/");
              })
          .hasMessageContaining("kek '" + bad + "'");
    }
  }

  @Test
  void theLocalResolverReadsTheEnvironmentAndAFilesFirstLine() throws Exception {
    Path f = Files.writeString(dir.resolve("pw"), "s3cret\nignored\n");
    SecretResolver local = SecretResolver.local(Map.of("PW", "from-env")::get);

    assertThat(local.resolve(SecretRef.env("PW"))).isEqualTo("from-env");
    assertThat(local.resolve(SecretRef.file(f.toString()))).isEqualTo("s3cret");
  }

  @Test
  void whatDoesNotResolveNamesTheReferenceAndNeverAValue() throws Exception {
    SecretResolver local = SecretResolver.local(Map.<String, String>of()::get);
    Path empty = Files.writeString(dir.resolve("empty"), "\nnot-the-secret\n");
    for (SecretRef ref :
        new SecretRef[] {
          SecretRef.env("UNSET"),
          SecretRef.file(dir.resolve("missing").toString()),
          SecretRef.file(empty.toString()),
          new SecretRef(SecretRef.Kind.ALIAS, "db1"),
        }) {
      assertThatThrownBy(() -> local.resolve(ref))
          .as(ref.toString())
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> assertThat(e.code()).isEqualTo("deployment.secret_unresolved"))
          .hasMessageContaining("'" + ref + "'")
          .hasMessageNotContaining("not-the-secret");
    }
  }
}
