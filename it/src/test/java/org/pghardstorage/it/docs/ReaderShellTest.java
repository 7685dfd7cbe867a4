package org.pghardstorage.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's terminal: one session across blocks, a real terminal, the block's exit status. */
class ReaderShellTest {
  @TempDir Path tmp;

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", tmp.resolve("bin") + ":/usr/bin:/bin");
    env.put("HOME", tmp.toString());
    env.put("TERM", "dumb");
    return env;
  }

  @Test
  void exportsAndTheDirectoryCarryOverAndCommandsSeeATerminal() throws Exception {
    ReaderShell shell = new ReaderShell(tmp.resolve("state"), tmp);
    Files.createDirectories(tmp.resolve("work"));

    ReaderShell.Run first = shell.run("export GREETING='hello there'\ncd work\n", env());
    ReaderShell.Run second =
        shell.run(
            "echo \"$GREETING from $(basename \"$PWD\")\"\n[ -t 1 ] && echo terminal\n", env());

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(ExpectedOutput.normalize(second.output()))
        .isEqualTo("hello there from work\nterminal");
  }

  @Test
  void aFailingCommandEndsTheBlockWithItsStatus() throws Exception {
    ReaderShell shell = new ReaderShell(tmp.resolve("state"), tmp);

    ReaderShell.Run r = shell.run("echo one\n(exit 7)\necho never\n", env());

    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(ExpectedOutput.normalize(r.output())).isEqualTo("one");
  }

  @Test
  void aProgramLinkedIntoThePathDuringABlockIsFoundInIt() throws Exception {
    ReaderShell shell = new ReaderShell(tmp.resolve("state"), tmp);
    Files.createDirectories(tmp.resolve("bin"));
    Path tool = tmp.resolve("tool");
    Files.writeString(tool, "#!/bin/sh\necho tool ran\n");
    tool.toFile().setExecutable(true);

    ReaderShell.Run r =
        shell.run("ln -sf " + tool + " " + tmp.resolve("bin/tool") + "\ntool\n", env());

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(ExpectedOutput.normalize(r.output())).isEqualTo("tool ran");
  }

  @Test
  void aBackgroundBlockIsStoppedWithSigtermAndReportsTheCommandsStatus() throws Exception {
    ReaderShell shell = new ReaderShell(tmp.resolve("state"), tmp);

    ReaderShell.Background b =
        shell.start("echo up\nsh -c 'trap \"exit 3\" TERM; while :; do sleep 0.1; done'\n", env());

    assertThat(b.await(Pattern.compile("up"), java.time.Duration.ofSeconds(30))).isTrue();
    assertThat(b.terminate()).as("the command's status, not the shell's 143").isEqualTo(3);
  }
}
