package org.pghardstorage.ejb.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A deployment's unsaved settings, as the console's connection test connects with them. */
class ProtectedTest {
  @Test
  void unsavedSettingsAreTheDeploymentTheTestConnectsAs() {
    DeploymentSpec spec =
        new DeploymentSpec(
            "db1",
            "host=db1 port=5433 user=backup dbname=postgres",
            "file:/etc/pg_hardstorage/secrets/db1",
            "file:///srv/repo",
            "ignored_here",
            null,
            null,
            null,
            null,
            null,
            false);
    Protected p = Protected.of(spec, "pg_hardstorage_db1");
    assertThat(p)
        .isEqualTo(
            new Protected(
                org.pghardstorage.core.repo.Deployment.of("db1"),
                "host=db1 port=5433 user=backup dbname=postgres",
                "file:/etc/pg_hardstorage/secrets/db1",
                "file:///srv/repo",
                null,
                "pg_hardstorage_db1"));
    // the slot given is the one tested (the catalogued one on an update), not the spec's
    assertThat(p.context().slot()).isEqualTo("pg_hardstorage_db1");
    assertThat(p.context().repositoryUrl()).isEqualTo("file:///srv/repo");
  }
}
