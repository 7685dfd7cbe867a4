package org.pghardstorage.cli.init;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Asks the operator questions, one answer per question. */
public interface Prompter {
  /**
   * Asks {@code question}; an empty answer takes {@code defaultValue} (which may be null: no
   * default).
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code init.no_answer} at end of
   *     input
   */
  String ask(String question, String defaultValue);

  /** Asks for a secret without echoing it; empty when the operator just presses Enter. */
  char[] askSecret(String question);

  /** Tells the operator something, between questions. */
  void say(String line);

  /** Asks a yes/no question. */
  default boolean confirm(String question, boolean defaultYes) {
    while (true) {
      String a =
          ask(question + (defaultYes ? " [Y/n]" : " [y/N]"), "").strip().toLowerCase(Locale.ROOT);
      if (a.isEmpty()) {
        return defaultYes;
      }
      if (a.equals("y") || a.equals("yes")) {
        return true;
      }
      if (a.equals("n") || a.equals("no")) {
        return false;
      }
      say("Please answer y or n.");
    }
  }

  /**
   * The console when there is one (passwords are not echoed); otherwise answers are read line by
   * line from standard input, with questions on {@code prompts}, so the wizard can be scripted.
   */
  static Prompter forThisProcess(PrintWriter prompts) {
    Console console = System.console();
    if (console != null) {
      return new ConsolePrompter(console);
    }
    return new StreamPrompter(
        new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())),
        prompts,
        stdinIsTerminal());
  }

  private static boolean stdinIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return false; // not Linux, or no /proc: assume a pipe, as in scripts and tests
    }
  }
}
