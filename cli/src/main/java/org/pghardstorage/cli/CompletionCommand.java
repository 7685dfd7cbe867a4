package org.pghardstorage.cli;

import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage completion bash|zsh}: a shell completion script on standard output. */
@Command(
    name = "completion",
    description =
        "Print a shell completion script: bash (source <(pg_hardstorage completion bash)) or zsh.")
final class CompletionCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
  String shell;

  @Override
  protected ExitCode run(Printer printer) {
    String script = AutoComplete.bash("pg_hardstorage", Main.commandLine());
    switch (shell) {
      case "bash" -> spec.commandLine().getOut().print(script);
      case "zsh" ->
          // picocli's script is bash; zsh runs it through its bash completion emulation
          spec.commandLine()
              .getOut()
              .print(
                  "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                      + script);
      default ->
          throw new HardstorageException(
              "usage.bad_shell",
              ExitCode.USAGE,
              "unknown shell '" + shell + "'",
              "use bash or zsh");
    }
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
