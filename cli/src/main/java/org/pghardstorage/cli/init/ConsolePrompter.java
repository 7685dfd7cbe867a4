package org.pghardstorage.cli.init;

import java.io.Console;

/** Questions and answers on the terminal; secrets are read without echo. */
final class ConsolePrompter implements Prompter {
  private final Console console;

  ConsolePrompter(Console console) {
    this.console = console;
  }

  @Override
  public String ask(String question, String defaultValue) {
    String line =
        defaultValue == null || defaultValue.isEmpty()
            ? console.readLine("%s: ", question)
            : console.readLine("%s [%s]: ", question, defaultValue);
    if (line == null) {
      throw StreamPrompter.noAnswer(question);
    }
    return line.isBlank() && defaultValue != null ? defaultValue : line.strip();
  }

  @Override
  public char[] askSecret(String question) {
    char[] secret = console.readPassword("%s: ", question);
    if (secret == null) {
      throw StreamPrompter.noAnswer(question);
    }
    return secret;
  }

  @Override
  public void say(String line) {
    console.printf("%s%n", line);
    console.flush();
  }
}
