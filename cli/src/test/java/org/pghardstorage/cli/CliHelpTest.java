package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command of the tree answers {@code --help}, {@code -h} and {@code help COMMAND} with its
 * usage, and the hint of every usage error points to a help that works.
 */
class CliHelpTest {
  private static final Pattern HINT = Pattern.compile("(?m)^hint: see '([^']+) --help'$");

  /** Every command's path below the program, the program itself as the empty path. */
  static Stream<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    walk(Main.commandLine(), new ArrayList<>(), all);
    return all.stream();
  }

  private static void walk(CommandLine cl, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> child = new ArrayList<>(path);
              child.add(name);
              walk(sub, child, all);
            });
  }

  @Test
  void theTreeIsWalked() {
    assertThat(commands())
        .contains(List.of(), List.of("status"), List.of("wal", "fetch"), List.of("help"));
  }

  @ParameterizedTest(name = "pg_hardstorage {0}")
  @MethodSource("commands")
  void helpWorksOnEveryCommand(List<String> path) {
    String usage = "Usage: " + String.join(" ", prepend("pg_hardstorage", path));
    Run long_ = run(append(path, "--help"));
    assertThat(long_.exitCode).as(long_.toString()).isZero();
    assertThat(long_.out).startsWith(usage).contains("-h, --help");
    assertThat(long_.err).isEmpty();

    Run short_ = run(append(path, "-h"));
    assertThat(short_.exitCode).as(short_.toString()).isZero();
    assertThat(short_.out).isEqualTo(long_.out);

    Run help = run(prepend("help", path));
    assertThat(help.exitCode).as(help.toString()).isZero();
    assertThat(help.out).isEqualTo(long_.out);
  }

  @ParameterizedTest(name = "pg_hardstorage {0} --no-such-option")
  @MethodSource("commands")
  void theHintOfAUsageErrorLeadsToAWorkingHelp(List<String> path) {
    Run wrong = run(append(path, "--no-such-option", "-o", "text"));
    assertThat(wrong.exitCode).as(wrong.toString()).isEqualTo(2);
    Matcher hint = HINT.matcher(wrong.err);
    assertThat(hint.find()).as(wrong.err).isTrue();
    List<String> hinted = List.of(hint.group(1).split(" "));
    assertThat(hinted.get(0)).isEqualTo("pg_hardstorage");

    Run followed = run(append(hinted.subList(1, hinted.size()), "--help"));
    assertThat(followed.exitCode).as(followed.toString()).isZero();
    assertThat(followed.out).startsWith("Usage: " + hint.group(1));
  }

  @Test
  void helpForACommandThatDoesNotExistSaysWhichDo() {
    Run r = run(List.of("help", "wal", "nope", "-o", "text"));
    assertThat(r.exitCode).isEqualTo(2);
    assertThat(r.err)
        .contains("'pg_hardstorage wal' has no command 'nope'")
        .contains("fetch")
        .contains("see 'pg_hardstorage wal --help'");
  }

  private static List<String> append(List<String> path, String... more) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(more));
    return all;
  }

  private static List<String> prepend(String first, List<String> path) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(path);
    return all;
  }

  private static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(args, code, out.toString(), err.toString());
  }

  private record Run(List<String> args, int exitCode, String out, String err) {}
}
