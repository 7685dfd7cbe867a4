package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.SourceScan;

/**
 * The console's views show what the application services answer: no JPA entity reaches a page and
 * no view opens a repository or runs a batchlet. This reads the module's sources.
 */
class ViewsHoldNoEntitiesTest {
  @Test
  void noViewNamesAnEntityARepositoryOrABatchlet() {
    assertThat(
            SourceScan.mentions(
                Path.of("src/main/java"),
                List.of(
                    "org.pghardstorage.persistence.",
                    "org.pghardstorage.batch.",
                    "org.pghardstorage.core.repo.",
                    "jakarta.persistence.")))
        .isEmpty();
  }
}
