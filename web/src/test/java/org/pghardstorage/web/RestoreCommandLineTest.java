package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.ejb.restore.RestorePlanRequest;

/**
 * The planner's command line: the real flags of {@code pg_hardstorage restore}, and every value one
 * shell word whatever it holds (checked by a real {@code /bin/sh}).
 */
class RestoreCommandLineTest {
  private static final String BACKUP = "20261205T120000Z-abcdef";

  private static String command(String kind, String value, String target) {
    return RestoreCommandLine.of(
        "db1", BACKUP, target, RestorePlanner.request(kind, value, "", target), false);
  }

  /** The words a POSIX shell makes of {@code line}: {@code set --} splits it, as a shell would. */
  private static List<String> words(String line) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/bin/sh", "-c", "set -- " + line + "; printf '%s\\0' \"$@\"")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return List.of(out.substring(0, Math.max(0, out.length() - 1)).split("\0", -1));
  }

  @Test
  void eachTargetKindGivesTheRestoreCommandsOwnFlag() {
    assertThat(command("latest", "", "/srv/recover"))
        .isEqualTo("pg_hardstorage restore db1 " + BACKUP + " --target=/srv/recover --to-latest");
    assertThat(command("lsn", "0/3000028", "/srv/recover")).endsWith(" --to-lsn=0/3000028");
    assertThat(command("name", "before-upgrade", "/srv/recover"))
        .endsWith(" --to-name=before-upgrade");
    assertThat(command("xid", "1234", "/srv/recover")).endsWith(" --to-xid=1234");
  }

  @Test
  void aTimeIsGivenAsTheSameInstantInUtc() {
    assertThat(command("time", "2026-11-30T04:40:00+02:00", "/srv/recover"))
        .endsWith(" --to=2026-11-30T02:40:00Z");
  }

  @Test
  void thePreviewVariantAddsPreviewAndNothingElse() {
    RestorePlanRequest r = RestorePlanner.request("lsn", "0/3000028", "", "/srv/recover");
    assertThat(RestoreCommandLine.of("db1", BACKUP, "/srv/recover", r, true))
        .isEqualTo(RestoreCommandLine.of("db1", BACKUP, "/srv/recover", r, false) + " --preview");
  }

  @Test
  void aValueWithSpacesQuotesOrShellCharactersStaysOneArgument() throws Exception {
    for (String v :
        List.of(
            "/srv/my data",
            "it's",
            "'",
            "a\"b",
            "$(touch /tmp/pwned) `id` $HOME ; rm -rf / & | > <",
            "*",
            "~",
            "",
            "tab\there",
            "new\nline",
            "back\\slash")) {
      String quoted = RestoreCommandLine.quote(v);
      assertThat(words(quoted)).as(quoted).containsExactly(v);
    }
    assertThat(RestoreCommandLine.quote("/srv/recover")).isEqualTo("/srv/recover");
    assertThat(RestoreCommandLine.quote("it's")).isEqualTo("'it'\\''s'");
  }

  @Test
  void theWholeCommandSplitsIntoTheIntendedArguments() throws Exception {
    String line = command("name", "point 'one'", "/srv/my recover");

    assertThat(words(line))
        .containsExactly(
            "pg_hardstorage",
            "restore",
            "db1",
            BACKUP,
            "--target=/srv/my recover",
            "--to-name=point 'one'");
  }
}
