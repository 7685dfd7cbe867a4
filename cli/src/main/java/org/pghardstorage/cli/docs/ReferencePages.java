package org.pghardstorage.cli.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Renders the command reference ({@code docs/reference/cli/}) from the command tree itself, so the
 * pages never drift from the code: one Markdown page per command and an index.
 */
public final class ReferencePages {
  private ReferencePages() {}

  /** File name → Markdown content, for the whole tree under {@code root}. */
  public static Map<String, String> render(CommandLine root) {
    Map<String, String> pages = new TreeMap<>();
    List<String> index = new ArrayList<>();
    walk(root, pages, index);
    StringBuilder sb = new StringBuilder();
    sb.append("# Command reference\n\n");
    sb.append("Generated from the command tree (`cli/src/main/java/org/pghardstorage/cli`);\n");
    sb.append("do not edit by hand. Exit codes: [../exit-codes.md](../exit-codes.md).\n");
    sb.append("Configuration file: [../configuration.md](../configuration.md).\n\n");
    sb.append("| command | what it does |\n|---|---|\n");
    index.forEach(sb::append);
    pages.put("README.md", sb.toString());
    return pages;
  }

  private static void walk(CommandLine cl, Map<String, String> pages, List<String> index) {
    CommandSpec spec = cl.getCommandSpec();
    String qualified = spec.qualifiedName(" ");
    if (spec.parent() != null) {
      String file = qualified.substring(qualified.indexOf(' ') + 1).replace(' ', '-') + ".md";
      pages.put(file, page(spec));
      index.add("| [`" + qualified + "`](" + file + ") | " + firstLine(spec) + " |\n");
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandSpec().usageMessage().hidden()) {
        walk(sub, pages, index);
      }
    }
  }

  private static String page(CommandSpec spec) {
    StringBuilder sb = new StringBuilder();
    sb.append("# `").append(spec.qualifiedName(" ")).append("`\n\n");
    sb.append(String.join(" ", spec.usageMessage().description())).append("\n\n");
    sb.append("```\n");
    String usage = new CommandLine(spec).getUsageMessage(CommandLine.Help.Ansi.OFF);
    sb.append(usage.strip()).append("\n```\n\n");
    if (!spec.positionalParameters().isEmpty()) {
      sb.append("## Arguments\n\n| argument | description |\n|---|---|\n");
      for (PositionalParamSpec p : spec.positionalParameters()) {
        sb.append("| `")
            .append(p.paramLabel())
            .append("` | ")
            .append(cell(String.join(" ", p.description())))
            .append(" |\n");
      }
      sb.append('\n');
    }
    List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
    if (!options.isEmpty()) {
      sb.append("## Options\n\n| option | description |\n|---|---|\n");
      for (OptionSpec o : options) {
        sb.append("| `").append(String.join("`, `", o.names()));
        if (o.arity().max() > 0) {
          sb.append(' ').append(o.paramLabel());
        }
        sb.append("` | ").append(cell(String.join(" ", o.description()))).append(" |\n");
      }
      sb.append('\n');
    }
    if (!spec.subcommands().isEmpty()) {
      sb.append("## Subcommands\n\n");
      spec.subcommands().values().stream()
          .filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
          .forEach(
              sub ->
                  sb.append("- `")
                      .append(sub.getCommandSpec().qualifiedName(" "))
                      .append("`: ")
                      .append(firstLine(sub.getCommandSpec()))
                      .append('\n'));
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String firstLine(CommandSpec spec) {
    String[] d = spec.usageMessage().description();
    return d.length == 0 ? "" : cell(d[0]);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ").replace("${DEFAULT-VALUE}", "see usage");
  }
}
