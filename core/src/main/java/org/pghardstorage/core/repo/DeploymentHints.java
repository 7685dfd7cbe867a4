package org.pghardstorage.core.repo;

import java.util.List;

/**
 * Suggestions for errors about a deployment without backups in a repository. They name the
 * deployments the repository does hold rather than a command to list them: for an unknown name,
 * such a command fails just the same.
 */
public final class DeploymentHints {
  private DeploymentHints() {}

  /**
   * What to do when {@code d} has no backups in {@code repo}: take the first one if the repository
   * knows {@code d} (it has WAL), else check the name against the deployments it holds.
   */
  public static String noBackups(Deployment d, Repository repo) {
    List<Deployment> known = repo.listDeployments();
    if (known.contains(d)) {
      return "deployment "
          + d
          + " has WAL but no backup yet: take one with pg_hardstorage backup "
          + d;
    }
    return unknown(d, known, repo.describe());
  }

  /**
   * What to do when a backup of {@code d} named by its id does not exist: list the backups of
   * {@code d}, or, when {@code repo} does not know {@code d} at all, check the name.
   */
  public static String noSuchBackup(Deployment d, Repository repo) {
    List<Deployment> known = repo.listDeployments();
    if (known.contains(d)) {
      return "list the backups with: pg_hardstorage list " + d + " --repo " + repo.describe();
    }
    return unknown(d, known, repo.describe());
  }

  /**
   * That {@code d} is not among {@code known}, the deployments of the repository at {@code where}.
   */
  public static String unknown(Deployment d, List<Deployment> known, String where) {
    if (known.isEmpty()) {
      return where
          + " holds no deployment yet; check --repo, or take a first backup with"
          + " pg_hardstorage backup "
          + d;
    }
    return "check the name: the deployments in "
        + where
        + " are "
        + String.join(", ", known.stream().map(Deployment::name).toList());
  }
}
