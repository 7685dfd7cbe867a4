package org.pghardstorage.cli.init;

import java.util.Optional;

/**
 * Which deployment of a repository already protects a PostgreSQL database system, so that {@code
 * init} offers to reuse it instead of creating a second deployment of the same server (whose WAL
 * would be streamed and stored twice, through a second slot).
 */
@FunctionalInterface
public interface ProtectedSystems {
  /** A repository that holds no deployments: nothing is protected yet. */
  ProtectedSystems NONE = (repository, systemIdentifier) -> Optional.empty();

  /**
   * The deployment of {@code repository} whose newest backup is of the database system {@code
   * systemIdentifier}; empty when there is none, or no repository there yet.
   */
  Optional<String> deploymentOf(String repository, String systemIdentifier);
}
