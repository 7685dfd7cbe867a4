package org.pghardstorage.cli;

import org.pghardstorage.cli.output.OutputFormat;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes. */
public final class GlobalOptions {
  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description =
          "text, json, ndjson, yaml, table or csv (default: text on a terminal, json otherwise).")
  OutputFormat output;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Configuration file (default: $PGHS_CONFIG, ~/.config/pg_hardstorage/pg_hardstorage.yml,"
              + " /etc/pg_hardstorage/pg_hardstorage.yml).")
  java.nio.file.Path config;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print stack traces and protocol details on errors.")
  boolean debug;

  /** The chosen format, or the default for where output goes. */
  public OutputFormat format() {
    return output != null ? output : OutputFormat.defaultFor(System.console() != null);
  }

  /** The explicitly named configuration file, if any. */
  public java.util.Optional<java.nio.file.Path> configFile() {
    return java.util.Optional.ofNullable(config);
  }

  /** Whether --debug is on. */
  public boolean debug() {
    return debug;
  }
}
