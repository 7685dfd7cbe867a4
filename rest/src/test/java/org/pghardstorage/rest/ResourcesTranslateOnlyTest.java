package org.pghardstorage.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.SourceScan;

/**
 * The REST layer translates: a resource calls one application service of {@code ejb} (or a job
 * launcher) and writes its answer. It opens no repository, runs no engine code, calls no batchlet
 * and touches no JPA entity, so whatever it shows is decided where the command line and the console
 * get it too. This reads the module's sources and lists every type of the product they name.
 */
class ResourcesTranslateOnlyTest {
  /** What a resource may name: its own layer, the services, errors and the result writer. */
  private static final List<String> ALLOWED =
      List.of(
          "org.pghardstorage.rest.",
          "org.pghardstorage.ejb.",
          "org.pghardstorage.core.error.",
          "org.pghardstorage.core.json.ResultJson",
          "org.pghardstorage.batch.JobService",
          "org.pghardstorage.batch.JobLauncher",
          "org.pghardstorage.batch.DeploymentChanges",
          "org.pghardstorage.batch.schedule.ScheduleService");

  @Test
  void resourcesNameOnlyServicesErrorsAndTheResultWriter() {
    List<String> named =
        SourceScan.matches(
            Path.of("src/main/java"),
            Pattern.compile("org\\.pghardstorage\\.[a-z0-9_.]+\\.[A-Z]\\w*"));
    assertThat(named)
        .filteredOn(
            found ->
                ALLOWED.stream()
                    .noneMatch(a -> found.substring(found.indexOf(": ") + 2).startsWith(a)))
        .isEmpty();
  }
}
