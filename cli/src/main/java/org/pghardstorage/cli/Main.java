package org.pghardstorage.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pghardstorage.cli.output.OutputFormat;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.Version;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/** The {@code pg_hardstorage} command. */
@Command(
    name = "pg_hardstorage",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "PostgreSQL backup and point-in-time recovery over the replication protocol.",
    subcommands = {
      StatusCommand.class,
      DoctorCommand.class,
      RepoCommand.class,
      BackupCommand.class,
      ListCommand.class,
      VerifyCommand.class,
      RestoreCommand.class,
      RotateCommand.class,
      JobsCommand.class,
      CatalogueCommand.class,
      WalCommand.class,
      InitCommand.class,
      DemoCommand.class,
      CompletionCommand.class,
      VersionCommand.class,
      HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  private static final String[] HELP_OPTION_NAMES = {"-h", "--help"};

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    Logging.configure(Arrays.asList(args).contains("--debug"));
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          Printer p =
              new Printer(
                  formatFromArgs(a), out, err, commandName(ex.getCommandLine()), Clock.systemUTC());
          p.error(
              new HardstorageException(
                  "usage.invalid",
                  ExitCode.USAGE,
                  ex.getMessage(),
                  "see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'"),
              false);
          // restore_command must abort recovery on a mistyped option, never end it early
          return Arrays.asList(a).contains("--restore-command")
              ? WalCommand.ABORT_RECOVERY
              : ExitCode.USAGE.code();
        });
    return cli.execute(args);
  }

  /** The configured command tree (also used to generate the reference pages). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    addHelpOptions(cli);
    return cli;
  }

  /**
   * Gives every command of the tree {@code -h}/{@code --help}, so that the hint of every usage
   * error ("see '... --help'") works wherever it points, and no command can be added without it.
   */
  private static void addHelpOptions(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    if (!spec.optionsMap().containsKey("--help")) {
      String[] names =
          spec.optionsMap().containsKey("-h") ? new String[] {"--help"} : HELP_OPTION_NAMES;
      spec.addOption(
          OptionSpec.builder(names)
              .usageHelp(true)
              .description("Show this help message and exit.")
              .build());
    }
    cl.getSubcommands().values().forEach(Main::addHelpOptions);
  }

  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  private static String commandName(CommandLine cl) {
    String q = cl.getCommandSpec().qualifiedName(" ");
    int space = q.indexOf(' ');
    return space < 0 ? "" : q.substring(space + 1);
  }

  /** The --output value when parsing failed before picocli could bind it. */
  static OutputFormat formatFromArgs(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = null;
      if ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length) {
        v = args[i + 1];
      } else if (a.startsWith("--output=")) {
        v = a.substring("--output=".length());
      }
      if (v != null) {
        String wanted = v.toUpperCase(Locale.ROOT);
        if (Arrays.stream(OutputFormat.values()).anyMatch(f -> f.name().equals(wanted))) {
          return OutputFormat.valueOf(wanted);
        }
      }
    }
    return OutputFormat.defaultFor(System.console() != null);
  }

  /** Supplies {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"pg_hardstorage " + Version.current()};
    }
  }
}
