package org.pghardstorage.core.verify;

import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * Reads the backup's copy of PostgreSQL's {@code backup_manifest} and checks the object itself: it
 * exists and opens, matches the size and SHA-256 our manifest recorded, parses, carries a correct
 * {@code Manifest-Checksum}, and belongs to the same cluster.
 */
final class PostgresManifestChecks {
  private PostgresManifestChecks() {}

  /**
   * The parsed manifest, or empty if it cannot be used; problems are added to {@code problems}.
   *
   * @param manifest our manifest, if it could be read (for the reference and system identifier)
   */
  static Optional<PostgresManifest> read(
      Repository repo,
      Deployment deployment,
      BackupId backupId,
      Optional<BackupManifest> manifest,
      List<VerifyProblem> problems) {
    String key = Repository.postgresManifestKey(deployment, backupId).value();
    Optional<byte[]> content;
    try {
      content = repo.readPostgresBackupManifest(deployment, backupId);
    } catch (RepositoryCorruptException e) {
      problems.add(
          problem(VerifyProblem.Kind.POSTGRES_MANIFEST_DAMAGED, e.object(), e.getMessage()));
      return Optional.empty();
    }
    if (content.isEmpty()) {
      problems.add(
          problem(
              VerifyProblem.Kind.POSTGRES_MANIFEST_MISSING,
              key,
              "the backup's copy of PostgreSQL's backup_manifest does not exist"));
      return Optional.empty();
    }
    if (manifest.isPresent() && !manifest.get().postgresBackupManifest().matches(content.get())) {
      problems.add(
          problem(
              VerifyProblem.Kind.POSTGRES_MANIFEST_DAMAGED,
              key,
              "its size or SHA-256 differs from the backup manifest's reference "
                  + manifest.get().postgresBackupManifest()));
    }
    PostgresManifest parsed;
    try {
      parsed = PostgresManifest.parse(content.get());
    } catch (IllegalArgumentException e) {
      problems.add(problem(VerifyProblem.Kind.POSTGRES_MANIFEST_INVALID, key, e.getMessage()));
      return Optional.empty();
    }
    PostgresManifest.checksumProblem(content.get())
        .ifPresent(
            p -> problems.add(problem(VerifyProblem.Kind.POSTGRES_MANIFEST_INVALID, key, p)));
    manifest.ifPresent(m -> compareSystem(m, parsed, key, problems));
    return Optional.of(parsed);
  }

  /** Version 2 manifests name the cluster; it must be the one the backup says it came from. */
  private static void compareSystem(
      BackupManifest m, PostgresManifest parsed, String key, List<VerifyProblem> problems) {
    String ours = m.postgres().systemIdentifier();
    parsed
        .systemIdentifier()
        .filter(theirs -> !theirs.equals(ours))
        .ifPresent(
            theirs ->
                problems.add(
                    problem(
                        VerifyProblem.Kind.SYSTEM_IDENTIFIER_MISMATCH,
                        key,
                        "PostgreSQL's backup_manifest is of system "
                            + theirs
                            + ", the backup of system "
                            + ours)));
  }

  private static VerifyProblem problem(VerifyProblem.Kind kind, String object, String detail) {
    return VerifyProblem.error(kind, object, List.of(), detail);
  }
}
