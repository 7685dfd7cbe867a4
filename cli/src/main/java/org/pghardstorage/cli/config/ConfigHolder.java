package org.pghardstorage.cli.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The configuration of this process, loaded once per command run. Options mixins read it to fill in
 * what the command line omits.
 */
public final class ConfigHolder {
  private static volatile CliConfig current = CliConfig.empty();

  private ConfigHolder() {}

  /** Loads the configuration for this run. */
  public static CliConfig load(Optional<Path> explicit) {
    current = CliConfig.load(explicit, System.getenv());
    return current;
  }

  /** The configuration loaded for this run. */
  public static CliConfig current() {
    return current;
  }
}
