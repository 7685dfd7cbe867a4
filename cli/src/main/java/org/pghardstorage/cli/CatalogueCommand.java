package org.pghardstorage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.cli.server.ServerClient;
import org.pghardstorage.cli.server.ServerOptions;
import org.pghardstorage.core.error.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pg_hardstorage catalogue ...}: the server's catalogue database, which indexes the
 * repositories. The repository is the source of truth; the catalogue can always be rebuilt from it.
 */
@Command(
    name = "catalogue",
    description = "The server's catalogue: an index of the repositories; needs --server.",
    subcommands = {CatalogueCommand.Rebuild.class})
final class CatalogueCommand {
  /** {@code catalogue rebuild}. */
  @Command(
      name = "rebuild",
      description =
          "Re-index backups from the repository: every committed backup is catalogued (again),"
              + " every catalogued backup the repository no longer holds is marked deleted. Needs"
              + " the admin role.")
  static final class Rebuild extends BaseCommand {
    @Option(
        names = "--deployment",
        paramLabel = "NAME",
        description = "Only this deployment (default: every deployment).")
    String deployment;

    @Mixin ServerOptions server;

    @Override
    protected ExitCode run(Printer printer) {
      String path =
          "catalogue/rebuild"
              + (deployment != null ? "?deployment=" + ServerClient.encode(deployment) : "");
      JsonNode r = server.client().post(path, java.util.Map.of());
      printer.result(
          r,
          out ->
              out.printf(
                  "Rebuilt the catalogue from %s: %s indexed, %d no longer in the repository.%n",
                  Counts.of(r.path("deployments").asLong(), "deployment"),
                  Counts.of(r.path("backups").asLong(), "backup"),
                  r.path("removed").asInt()));
      return ExitCode.OK;
    }
  }
}
