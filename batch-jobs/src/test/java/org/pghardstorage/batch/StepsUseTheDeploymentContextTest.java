package org.pghardstorage.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.SourceScan;

/**
 * A job step reaches a deployment only through its deployment context (a catalogued deployment's
 * {@code Protected.context()}, or an application service built on it): it opens no store, builds no
 * retry policy and opens no PostgreSQL connection of its own, so the slot, the secrets and the
 * retries are the ones the command line and the API use. This reads the module's sources.
 */
class StepsUseTheDeploymentContextTest {
  @Test
  void noStepOpensAStoreAConnectionOrASecretItself() {
    assertThat(
            SourceScan.mentions(
                Path.of("src/main/java"),
                List.of(
                    "ObjectStores.open",
                    "RetryingObjectStore",
                    "RetryPolicy",
                    "ReplicationConnection.open",
                    "Secrets.resolve")))
        .isEmpty();
  }
}
