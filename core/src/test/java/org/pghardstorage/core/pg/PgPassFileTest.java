package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgPassFileTest {
  @TempDir Path dir;

  @Test
  void firstMatchWinsWithWildcards() {
    List<String> lines =
        List.of(
            "# comment",
            "",
            "db1:5432:app:alice:first",
            "*:5432:*:alice:second",
            "*:*:*:*:fallback");
    assertThat(PgPassFile.match(lines, "db1", "5432", "app", "alice")).contains("first");
    assertThat(PgPassFile.match(lines, "db2", "5432", "x", "alice")).contains("second");
    assertThat(PgPassFile.match(lines, "db2", "6543", "x", "bob")).contains("fallback");
  }

  @Test
  void escapesAndColonsInPassword() {
    List<String> lines =
        List.of("h\\:x:5432:db:u:pa\\:ss\\\\word:tail\r", "\\*:5432:db:u:literal-star");
    assertThat(PgPassFile.match(lines, "h:x", "5432", "db", "u")).contains("pa:ss\\word:tail");
    // An escaped star is a literal host named "*", not a wildcard.
    assertThat(PgPassFile.match(lines, "other", "5432", "db", "u")).isEmpty();
    assertThat(PgPassFile.match(lines, "*", "5432", "db", "u")).contains("literal-star");
  }

  @Test
  void shortLinesNeverMatch() {
    assertThat(PgPassFile.match(List.of("*:*:*:*"), "h", "1", "d", "u")).isEmpty();
  }

  @Test
  void fileWithSafePermissionsIsUsed() throws IOException {
    Path file = write("0600", "localhost:5432:postgres:backup:s3cret\n");
    assertThat(PgPassFile.lookup(file, "localhost", 5432, "postgres", "backup")).contains("s3cret");
  }

  @Test
  void fileReadableByOthersIsIgnored() throws IOException {
    Path file = write("0644", "*:*:*:*:s3cret\n");
    assertThat(PgPassFile.lookup(file, "h", 5432, "d", "u")).isEmpty();
    Path group = write("0640", "*:*:*:*:s3cret\n");
    assertThat(PgPassFile.lookup(group, "h", 5432, "d", "u")).isEmpty();
  }

  @Test
  void missingFileOrDirectoryIsIgnored() {
    assertThat(PgPassFile.lookup(dir.resolve("nope"), "h", 1, "d", "u")).isEmpty();
    assertThat(PgPassFile.lookup(dir, "h", 1, "d", "u")).isEmpty();
  }

  @Test
  void connInfoConsultsPassFileOnlyWithoutExplicitPassword() throws IOException {
    Path file = write("0600", "h:5432:replication:rep:physical\nh:5432:postgres:rep:bydb\n");
    PgEnvironment env = PgEnvironment.of(Map.of("PGPASSFILE", file.toString()), dir, "ops");
    ConnInfo ci = ConnInfo.parse("host=h user=rep dbname=postgres", env);
    Endpoint ep = ci.endpoints().get(0);
    assertThat(ci.passwordFor(ep, ReplicationMode.PHYSICAL)).contains("physical");
    assertThat(ci.passwordFor(ep, ReplicationMode.DATABASE)).contains("bydb");
    assertThat(
            ConnInfo.parse("host=h user=rep password=given", env)
                .passwordFor(ep, ReplicationMode.NONE))
        .contains("given");
    assertThat(ConnInfo.parse("host=other user=rep", env).passwordFor(ep, ReplicationMode.NONE))
        .isEqualTo(Optional.empty());
  }

  private Path write(String mode, String content) throws IOException {
    Path file = Files.createTempFile(dir, "pgpass", "");
    Files.writeString(file, content);
    String rwx =
        switch (mode) {
          case "0600" -> "rw-------";
          case "0640" -> "rw-r-----";
          default -> "rw-r--r--";
        };
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(rwx));
    return file;
  }
}
