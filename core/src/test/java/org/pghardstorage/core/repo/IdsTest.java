package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class IdsTest {
  @Test
  void backupIdsSortByStartTime() {
    Random random = new Random(1);
    Instant t = Instant.parse("2026-11-30T19:06:00.750Z");
    BackupId a = BackupId.generate(t, random);
    BackupId b = BackupId.generate(t.plusSeconds(1), random);
    BackupId c = BackupId.generate(t.plusSeconds(86_400 * 40), random);
    assertThat(a.value()).matches("20261130T190600Z-[a-z2-7]{6}");
    assertThat(a.startTime()).isEqualTo(Instant.parse("2026-11-30T19:06:00Z"));
    List<BackupId> ids = new ArrayList<>(List.of(c, a, b));
    ids.sort(null);
    assertThat(ids).containsExactly(a, b, c);
    assertThat(BackupId.parse(a.value())).isEqualTo(a);
  }

  @Test
  void badBackupIdsAreUsageErrorsEchoingTheText() {
    for (String bad :
        List.of(
            "",
            "20261130T190600Z",
            "20261130T190600Z-ABCDEF",
            "20261332T190600Z-aaaaaa",
            "20261130T190600Z-aaaaa1")) {
      assertThatThrownBy(() -> BackupId.parse(bad))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("repo.invalid_backup_id");
                assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                assertThat(e.getMessage()).contains("'" + bad + "'");
              });
    }
  }

  @Test
  void deploymentNames() {
    assertThat(Deployment.of("db1").name()).isEqualTo("db1");
    assertThat(Deployment.of("a").name()).isEqualTo("a");
    assertThat(Deployment.of("0-prod_eu").name()).isEqualTo("0-prod_eu");
    assertThat(Deployment.of("a".repeat(63))).isNotNull();
    for (String bad : List.of("", "-db", "_db", "Db1", "db 1", "db/1", "db.1", "a".repeat(64))) {
      assertThatThrownBy(() -> Deployment.of(bad))
          .as(bad)
          .hasFieldOrPropertyWithValue("code", "repo.invalid_deployment")
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void packIdsNameTheirKey() {
    PackId id = PackId.of(new byte[] {1, 2, 3});
    assertThat(id.key().value()).isEqualTo("data/" + id.hex().substring(0, 2) + "/" + id.hex());
    assertThat(PackId.parse(id.hex())).isEqualTo(id);
    assertThatThrownBy(() -> PackId.parse("xyz")).hasMessageContaining("'xyz'");
  }
}
