package org.pghardstorage.cli.output;

import java.util.Locale;

/** How a command prints its result: for people ({@code text}, {@code table}) or for machines. */
public enum OutputFormat {
  TEXT,
  JSON,
  NDJSON,
  YAML,
  TABLE,
  CSV;

  /** The default: text on a terminal, JSON when piped or redirected. */
  public static OutputFormat defaultFor(boolean terminal) {
    return terminal ? TEXT : JSON;
  }

  /** Whether this is a format for machines (enveloped documents, no decoration). */
  public boolean structured() {
    return this == JSON || this == NDJSON || this == YAML;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
