package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.SourceScan;

/**
 * The console's views show what the application services answer: no JPA entity reaches a page and
 * no view opens a repository or runs a batchlet. Of the batch module only its application services,
 * {@code JobService} and {@code DeploymentChanges}, may be named: the console starts jobs and
 * changes deployments exactly as the API does. This reads the module's sources.
 */
class ViewsHoldNoEntitiesTest {
  @Test
  void noViewNamesAnEntityARepositoryOrABatchlet() {
    assertThat(
            SourceScan.matches(
                Path.of("src/main/java"),
                Pattern.compile(
                    "org\\.pghardstorage\\.persistence\\."
                        + "|org\\.pghardstorage\\.batch\\.(?!(JobService|DeploymentChanges)\\b)"
                        + "|org\\.pghardstorage\\.core\\.repo\\."
                        + "|jakarta\\.persistence\\.")))
        .isEmpty();
  }
}
