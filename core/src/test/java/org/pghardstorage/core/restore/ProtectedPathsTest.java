package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restore may write into, empty, or take from a manifest as a tablespace location. */
class ProtectedPathsTest {
  @TempDir Path tmp;

  private ProtectedPaths paths() {
    return new ProtectedPaths(List.of(tmp.resolve("home")), Optional.of(tmp.resolve("repo")));
  }

  @Test
  void anOperatorMayRestoreBelowUsrLocalButNotIntoSystemTrees() {
    ProtectedPaths p = paths();
    assertThat(p.whyNotToWriteInto(Path.of("/usr/local/pgsql/data"))).isEmpty();
    assertThat(p.whyNotToWriteInto(Path.of("/etc/postgresql/x")))
        .hasValue("it lies in the system directory /etc");
    assertThat(p.whyNotToWipe(Path.of("/usr"))).hasValue("it is the system directory /usr");
    assertThat(p.whyNotToWipe(Path.of("/"))).hasValue("it is the root directory");
  }

  @Test
  void aManifestsLocationMayNotPointIntoHomesHiddenOrSystemDirectories() {
    ProtectedPaths p = paths();
    assertThat(p.whyNotARecordedLocation("/srv/pg/ts1")).isEmpty();
    assertThat(p.whyNotARecordedLocation("/usr/local/ts")).isPresent();
    assertThat(p.whyNotARecordedLocation(tmp.resolve("home/ts").toString()))
        .hasValueSatisfying(w -> assertThat(w).contains("home directory"));
    assertThat(p.whyNotARecordedLocation("/srv/.hidden/ts"))
        .hasValue("it lies in a hidden directory");
    assertThat(p.whyNotARecordedLocation("/srv/a/../ts"))
        .hasValue("it is not an absolute, normalised path");
    assertThat(p.whyNotARecordedLocation(tmp.resolve("repo/ts").toString()))
        .hasValueSatisfying(w -> assertThat(w).contains("inside the repository"));
  }

  @Test
  void aLinkCannotSmuggleAProtectedDirectoryIn() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path alias = Files.createSymbolicLink(tmp.resolve("alias"), home);
    assertThat(paths().whyNotToWipe(alias)).hasValueSatisfying(w -> assertThat(w).contains("home"));
  }

  @Test
  void homesAreReadFromAPasswdFile() throws IOException {
    Path passwd =
        Files.writeString(
            tmp.resolve("passwd"),
            "root:x:0:0:root:/root:/bin/bash\n"
                + "postgres:x:104:110::/var/lib/postgresql:/bin/bash\n"
                + "broken line\n"
                + "nobody:x:65534:65534::/:/usr/sbin/nologin\n");
    assertThat(ProtectedPaths.passwdHomes(passwd))
        .containsExactly(Path.of("/root"), Path.of("/var/lib/postgresql"));
    assertThat(ProtectedPaths.passwdHomes(tmp.resolve("missing"))).isEmpty();
  }
}
