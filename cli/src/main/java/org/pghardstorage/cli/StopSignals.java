package org.pghardstorage.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a requested stop of a long-running command. The JVM's own handling of them
 * starts its shutdown and ends the process with status 128 + the signal (143 for SIGTERM), which a
 * service manager reads as a failure on every stop. While installed, these handlers instead ask the
 * command to finish: it flushes, releases what it holds and returns its exit code, 0 for a clean
 * stop. {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the only way the JDK offers to
 * handle a signal.
 */
final class StopSignals implements AutoCloseable {
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private StopSignals(Runnable stop) {
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      try {
        previous.add(Signal.handle(signal, s -> stop.run()));
        signals.add(signal);
      } catch (IllegalArgumentException e) {
        // the JVM keeps the signal (-Xrs, or a debugger's): its shutdown then stops the command,
        // through the caller's shutdown hook, with status 128 + n
      }
    }
  }

  /** Runs {@code stop} (which must not block) on SIGTERM and SIGINT until closed. */
  static StopSignals install(Runnable stop) {
    return new StopSignals(stop);
  }

  /** Gives the signals back to the handlers they had before. */
  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
