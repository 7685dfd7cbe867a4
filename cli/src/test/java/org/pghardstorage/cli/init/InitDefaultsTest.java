package org.pghardstorage.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitDefaultsTest {
  @TempDir Path tmp;

  @Test
  void theSystemRepositoryWhenItsNearestExistingAncestorIsWritable() {
    Path system = tmp.resolve("var/lib/pg_hardstorage/repo");
    assertThat(InitDefaults.repository(Map.of(), tmp.resolve("home"), system)).isEqualTo(system);
  }

  @Test
  void elseUnderTheUsersDataDirectory() throws IOException {
    Path blocked = Files.createFile(tmp.resolve("not-a-directory")).resolve("pg_hardstorage/repo");
    Path home = tmp.resolve("home");
    assertThat(InitDefaults.repository(Map.of(), home, blocked))
        .isEqualTo(home.resolve(".local/share/pg_hardstorage/repo"));
    assertThat(InitDefaults.repository(Map.of("XDG_DATA_HOME", "/data"), home, blocked))
        .isEqualTo(Path.of("/data/pg_hardstorage/repo"));
  }

  @Test
  void theConfigurationGoesWherePghsConfigOrTheUserFileSays() {
    assertThat(InitDefaults.configFile(Map.of("PGHS_CONFIG", "/x/p.yml", "HOME", "/home/a")))
        .contains(Path.of("/x/p.yml"));
    assertThat(InitDefaults.configFile(Map.of("HOME", "/home/a")))
        .contains(Path.of("/home/a/.config/pg_hardstorage/pg_hardstorage.yml"));
    assertThat(InitDefaults.configFile(Map.of())).isEmpty();
  }

  @Test
  void aFileIsFoundByDefaultOnlyWhenOnTheSearchPathAndNotShadowed() throws IOException {
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", tmp.toString());
    Path user = tmp.resolve("pg_hardstorage/pg_hardstorage.yml");
    assertThat(InitDefaults.foundByDefault(user, env)).isTrue();
    assertThat(InitDefaults.foundByDefault(tmp.resolve("elsewhere.yml"), env)).isFalse();
    Path shadow = Files.writeString(tmp.resolve("shadow.yml"), "");
    Map<String, String> shadowed =
        Map.of("XDG_CONFIG_HOME", tmp.toString(), "PGHS_CONFIG", shadow.toString());
    assertThat(InitDefaults.foundByDefault(user, shadowed)).isFalse();
  }
}
