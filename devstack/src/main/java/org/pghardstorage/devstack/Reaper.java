package org.pghardstorage.devstack;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Stops, at JVM exit, whatever this JVM started and did not stop itself: a test that fails half-way
 * must not leave servers running.
 */
final class Reaper {
  private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "pghs-devstack-reaper"));
  }

  private Reaper() {}

  static synchronized void register(AutoCloseable c) {
    OPEN.push(c);
  }

  static synchronized void unregister(AutoCloseable c) {
    OPEN.remove(c);
  }

  /** Leaves everything running at JVM exit: {@code up} hands its servers over to {@code down}. */
  static synchronized void releaseAll() {
    OPEN.clear();
  }

  private static void closeAll() {
    while (true) {
      AutoCloseable c;
      synchronized (Reaper.class) {
        c = OPEN.poll();
      }
      if (c == null) {
        return;
      }
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("devstack: could not stop " + c + ": " + e.getMessage());
      }
    }
  }
}
