package org.pghardstorage.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The engine logs through slf4j to java.util.logging. On the command line only warnings reach
 * stderr, in one line each; {@code --debug} shows everything.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean debug) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler console = new ConsoleHandler();
    console.setFormatter(new SimpleFormatter());
    Level level = debug ? Level.FINE : Level.WARNING;
    console.setLevel(level);
    root.addHandler(console);
    root.setLevel(level);
  }
}
