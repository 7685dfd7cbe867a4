package org.pghardstorage.cli;

import java.util.concurrent.Callable;
import org.pghardstorage.core.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pg_hardstorage} command. */
@Command(
    name = "pg_hardstorage",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "PostgreSQL backup and point-in-time recovery over the replication protocol.",
    subcommands = {Main.VersionCommand.class})
public final class Main implements Callable<Integer> {

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** {@code pg_hardstorage version}. */
  @Command(name = "version", description = "Print the version of pg_hardstorage and Java.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("pg_hardstorage " + Version.current());
      System.out.println(
          "Java "
              + System.getProperty("java.version")
              + " ("
              + System.getProperty("java.vendor")
              + ")");
      return 0;
    }
  }

  /** Supplies {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pg_hardstorage " + Version.current()};
    }
  }
}
