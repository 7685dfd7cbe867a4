package org.pghardstorage.cli.init;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Questions on a writer (stderr), answers line by line from a reader (stdin): scripts and tests
 * feed the wizard this way.
 */
final class StreamPrompter implements Prompter {
  private final BufferedReader in;
  private final PrintWriter prompts;
  private final boolean inputIsTerminal;

  /**
   * @param inputIsTerminal the answers come from a terminal although there is no console (output is
   *     redirected): a secret would echo, so none is asked for
   */
  StreamPrompter(BufferedReader in, PrintWriter prompts, boolean inputIsTerminal) {
    this.in = in;
    this.prompts = prompts;
    this.inputIsTerminal = inputIsTerminal;
  }

  @Override
  public String ask(String question, String defaultValue) {
    boolean hasDefault = defaultValue != null && !defaultValue.isEmpty();
    prompts.print(question + (hasDefault ? " [" + defaultValue + "]" : "") + ": ");
    prompts.flush();
    String line = readLine(question);
    if (!inputIsTerminal) {
      prompts.println(); // a piped answer does not end the prompt's line by itself
    }
    return line.isBlank() && defaultValue != null ? defaultValue : line.strip();
  }

  @Override
  public char[] askSecret(String question) {
    if (inputIsTerminal) {
      throw new HardstorageException(
          "init.password_would_echo",
          ExitCode.USAGE,
          "cannot read a password without echoing it: standard output is not a terminal",
          "give the password in PGPASSWORD or ~/.pgpass, or run init with its output on the"
              + " terminal");
    }
    prompts.print(question + ": ");
    prompts.flush();
    char[] secret = readLine(question).toCharArray();
    prompts.println();
    return secret;
  }

  @Override
  public void say(String line) {
    prompts.println(line);
    prompts.flush();
  }

  private String readLine(String question) {
    try {
      String line = in.readLine();
      if (line == null) {
        throw noAnswer(question);
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the answer to '" + question + "'", e);
    }
  }

  static HardstorageException noAnswer(String question) {
    return new HardstorageException(
        "init.no_answer",
        ExitCode.USAGE,
        "input ended before the question '" + question + "' was answered; nothing was changed",
        "answer every question, one per line, or use 'pg_hardstorage init --quick' to ask none");
  }
}
