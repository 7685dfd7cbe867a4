package org.pghardstorage.cli;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.DeploymentHints;
import org.pghardstorage.core.repo.Repository;

/** Parsing and checking deployment names given on the command line. */
final class Deployments {
  private Deployments() {}

  /** A valid deployment name, or a usage error naming the rule. */
  static Deployment parse(String name) {
    try {
      return Deployment.of(name);
    } catch (IllegalArgumentException e) {
      throw new HardstorageException(
          "usage.bad_deployment",
          ExitCode.USAGE,
          e.getMessage(),
          "deployment names are lower case letters, digits, '_' and '-', starting with a letter or"
              + " digit, at most 63 characters");
    }
  }

  /** A deployment the repository knows (it has backups or WAL), or a not-found error. */
  static Deployment known(Repository repo, String name) {
    Deployment d = parse(name);
    if (!repo.listDeployments().contains(d)) {
      throw new HardstorageException(
          "deployment.not_found",
          ExitCode.NOT_FOUND,
          "deployment '" + name + "' has no backups or WAL in " + repo.describe(),
          DeploymentHints.unknown(d, repo.listDeployments(), repo.describe()));
    }
    return d;
  }
}
