package org.pghardstorage.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.Version;
import org.pghardstorage.core.error.ExitCode;
import picocli.CommandLine.Command;

/** {@code pg_hardstorage version}. */
@Command(name = "version", description = "Print the version of pg_hardstorage and of Java.")
final class VersionCommand extends BaseCommand {
  @Override
  protected ExitCode run(Printer printer) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("version", Version.current());
    v.put("java_version", System.getProperty("java.version"));
    v.put("java_vendor", System.getProperty("java.vendor"));
    v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    printer.result(
        v,
        out -> {
          out.println("pg_hardstorage " + v.get("version"));
          out.println("Java " + v.get("java_version") + " (" + v.get("java_vendor") + ")");
        });
    return ExitCode.OK;
  }
}
