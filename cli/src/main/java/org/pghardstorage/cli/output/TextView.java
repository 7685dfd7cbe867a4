package org.pghardstorage.cli.output;

import java.io.PrintWriter;

/** Renders a command's result for a person reading a terminal. */
@FunctionalInterface
public interface TextView {
  /** Writes the human-readable form of the result. */
  void print(PrintWriter out);
}
