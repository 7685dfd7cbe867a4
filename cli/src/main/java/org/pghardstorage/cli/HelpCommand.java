package org.pghardstorage.cli;

import java.util.ArrayList;
import java.util.List;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pg_hardstorage help [COMMAND...]}: the usage of any command of the tree, nested ones
 * included ({@code help wal fetch}); the same text as {@code COMMAND --help}.
 */
@Command(name = "help", description = "Show the usage of a command: help restore, help wal fetch.")
final class HelpCommand extends BaseCommand {
  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The command, and its subcommand, to explain (none: the whole program).")
  List<String> path = new ArrayList<>();

  @Override
  protected boolean readsConfiguration() {
    return false;
  }

  @Override
  protected ExitCode run(Printer printer) {
    CommandLine target = spec.commandLine().getParent();
    for (String name : path) {
      CommandLine sub = target.getSubcommands().get(name);
      if (sub == null) {
        String parent = target.getCommandSpec().qualifiedName(" ");
        throw new HardstorageException(
            "usage.unknown_command",
            ExitCode.USAGE,
            "'" + parent + "' has no command '" + name + "'",
            "its commands are "
                + String.join(", ", target.getSubcommands().keySet())
                + "; see '"
                + parent
                + " --help'");
      }
      target = sub;
    }
    target.usage(spec.commandLine().getOut());
    return ExitCode.OK;
  }
}
