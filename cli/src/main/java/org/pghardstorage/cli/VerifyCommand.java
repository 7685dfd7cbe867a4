package org.pghardstorage.cli;

import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.verify.Verifier;
import org.pghardstorage.core.verify.VerifyProblem;
import org.pghardstorage.core.verify.VerifyReport;
import org.pghardstorage.core.verify.VerifyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage verify <deployment> <backup-id|latest>}. */
@Command(
    name = "verify",
    description =
        "Prove that a backup restores: re-read and re-hash every chunk, re-assemble every file"
            + " against both manifests, and check its WAL. Exit 9 naming every damaged object.")
final class VerifyCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "DEPLOYMENT")
  String deployment;

  @Parameters(index = "1", paramLabel = "BACKUP", description = "A backup id, or latest.")
  String backup;

  @Mixin RepoOptions repoOptions;

  @Override
  protected ExitCode run(Printer printer) {
    VerifyRequest request =
        VerifyRequest.of(Deployments.parse(deployment), BackupSelector.parse(backup));
    try (ObjectStore store = repoOptions.forDeployment(deployment).store()) {
      VerifyReport report =
          Verifier.verify(store, repoOptions.openOptions(), request, Progress.task(printer, ""));
      printer.result(
          report,
          out -> {
            out.printf(
                "%s backup %s of %s: %s, %s, %s, %s, %s in %.1f s%n",
                report.ok() ? "OK" : "FAILED",
                report.backupId(),
                report.deployment(),
                Counts.of(report.packsChecked(), "pack"),
                Counts.of(report.chunksChecked(), "chunk"),
                Counts.of(report.filesChecked(), "file"),
                Bytes.human(report.bytesChecked()),
                Counts.of(report.walSegmentsChecked(), "WAL segment"),
                report.durationMillis() / 1000.0);
            for (VerifyProblem p : report.problems()) {
              out.println("  " + p.severity() + " " + p.describe() + ": " + p.detail());
            }
          });
      return report.ok() ? ExitCode.OK : ExitCode.VERIFY_FAILED;
    }
  }
}
