package org.pghardstorage.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.cli.init.ProtectedSystems;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.retry.RetryListener;

/**
 * {@link ProtectedSystems} read from the repository: the system identifier each deployment's newest
 * backup records. A repository that does not exist yet protects nothing; one that cannot be read (a
 * missing key, an unreachable store) is an error now rather than after {@code init} wrote anything.
 */
final class RepositorySystems implements ProtectedSystems {
  private final RepoOptions keys;

  RepositorySystems(RepoOptions keys) {
    this.keys = keys;
  }

  @Override
  public Optional<String> deploymentOf(String url, String systemIdentifier) {
    Optional<Path> root = RepositoryRoots.fileRoot(url);
    if (root.isPresent() && !Files.exists(root.get().resolve("config"))) {
      return Optional.empty(); // init creates it: opening would call the missing root unmounted
    }
    try (ObjectStore store = DeploymentContext.openStore(url, RetryListener.NONE);
        Repository repo = Repository.open(store, keys.openOptions())) {
      for (Deployment d : repo.listDeployments()) {
        if (newest(repo, d)
            .filter(m -> m.postgres().systemIdentifier().equals(systemIdentifier))
            .isPresent()) {
          return Optional.of(d.name());
        }
      }
      return Optional.empty();
    } catch (HardstorageException e) {
      if (RepositoryErrors.NOT_FOUND.equals(e.code())) {
        return Optional.empty();
      }
      throw RepoOptions.explainKey(e);
    }
  }

  private static Optional<BackupManifest> newest(Repository repo, Deployment d) {
    List<BackupId> ids = repo.listBackups(d);
    for (int i = ids.size() - 1; i >= 0; i--) {
      Optional<BackupManifest> m = repo.readManifest(d, ids.get(i));
      if (m.isPresent()) {
        return m;
      }
    }
    return Optional.empty();
  }
}
