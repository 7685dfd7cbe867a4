package org.pghardstorage.ejb.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.HardstorageException;

class SecretsTest {
  @TempDir Path dir;

  @Test
  void aFileReferenceResolvesToItsFirstLine() throws Exception {
    Path f = dir.resolve("pw");
    Files.writeString(f, "s3cret\nignored\n");

    assertThat(Secrets.resolve("file:" + f)).isEqualTo("s3cret");
  }

  @Test
  void onlyReferencesAreAcceptedAndFailuresNameTheReferenceNotASecret() {
    assertThat(Secrets.isReference("alias:db1")).isTrue();
    assertThat(Secrets.isReference("env:PGPASS")).isTrue();
    assertThat(Secrets.isReference("hunter2")).isFalse();
    assertThat(Secrets.isReference("file:")).isFalse();

    assertThatThrownBy(() -> Secrets.resolve("hunter2"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("'hunter2'");
    assertThatThrownBy(() -> Secrets.resolve("file:" + dir.resolve("missing")))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("does not resolve")
        .extracting(e -> ((HardstorageException) e).code())
        .isEqualTo("deployment.secret_unresolved");
    assertThatThrownBy(() -> Secrets.resolve("env:PGHS_SURELY_UNSET_VARIABLE"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("env:PGHS_SURELY_UNSET_VARIABLE");
  }
}
