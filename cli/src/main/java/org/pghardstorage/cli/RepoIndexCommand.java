package org.pghardstorage.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.repo.DamagedObject;
import org.pghardstorage.core.repo.IndexRebuild;
import org.pghardstorage.core.repo.OpenedRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pg_hardstorage repo index ...}: the repository's chunk index. */
@Command(
    name = "index",
    description = "The repository's index of which chunk sits in which pack.",
    subcommands = {RepoIndexCommand.Rebuild.class})
final class RepoIndexCommand {

  /** {@code repo index rebuild}. */
  @Command(
      name = "rebuild",
      description =
          "Rebuild the index from the packs: read every pack's footer and trailer, write index"
              + " files for the packs no intact index file lists, then remove damaged index"
              + " objects. Safe to stop and to run again. Takes a shared lock, and an exclusive"
              + " one only to remove damaged index objects. Exit 0 when the index is whole, 9"
              + " (VERIFY_FAILED) when packs are damaged: run verify to see which backups they"
              + " hold.")
  static final class Rebuild extends BaseCommand {
    @Mixin RepoUrlArgument url;
    @Mixin RepoOptions repoOptions;

    @Override
    protected ExitCode run(Printer printer) {
      IndexRebuild r;
      try (OpenedRepository o = url.applyTo(repoOptions).open()) {
        r = o.repository().rebuildIndex();
      }
      Map<String, Object> result = result(repoOptions.url(), r);
      printer.result(
          result,
          out -> {
            out.printf(
                "Read %s; indexed %d that no intact index file listed, in %s; removed %s;"
                    + " rewrote %s.%n",
                Counts.of(r.packsScanned(), "pack"),
                r.packsIndexed(),
                Counts.of(r.indexFilesWritten().size(), "new index file"),
                Counts.of(r.damagedIndexFilesRemoved().size(), "damaged index object"),
                Counts.of(r.damagedIndexFilesReplaced().size(), "damaged index object"));
            r.damagedIndexFilesRemoved().forEach(k -> out.println("  removed " + k));
            r.damagedIndexFilesReplaced()
                .forEach(k -> out.println("  rewrote " + k + " with its rebuilt content"));
            if (r.complete()) {
              out.println("The index is whole.");
            } else {
              out.printf(
                  "%s damaged and could not be indexed; their chunks cannot be read."
                      + " Run 'pg_hardstorage verify' to see which backups are hit.%n",
                  r.damagedPacks().size() == 1
                      ? "1 pack is"
                      : Counts.of(r.damagedPacks().size(), "pack") + " are");
              r.damagedPacks().forEach(d -> out.println("  " + d.key() + ": " + d.detail()));
            }
          });
      return r.complete() ? ExitCode.OK : ExitCode.VERIFY_FAILED;
    }

    static Map<String, Object> result(String url, IndexRebuild r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("url", url);
      m.put("packs_scanned", r.packsScanned());
      m.put("packs_indexed", r.packsIndexed());
      m.put("index_files_written", r.indexFilesWritten());
      m.put("damaged_index_objects_removed", r.damagedIndexFilesRemoved());
      m.put("damaged_index_objects_replaced", r.damagedIndexFilesReplaced());
      m.put("damaged_packs", damaged(r.damagedPacks()));
      m.put("complete", r.complete());
      return m;
    }

    private static List<Map<String, String>> damaged(List<DamagedObject> objects) {
      return objects.stream().map(d -> Map.of("key", d.key(), "detail", d.detail())).toList();
    }
  }
}
