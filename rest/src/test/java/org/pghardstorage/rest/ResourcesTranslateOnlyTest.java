package org.pghardstorage.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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
          "org.pghardstorage.batch.schedule.ScheduleService");

  private static final Pattern PRODUCT_TYPE =
      Pattern.compile("org\\.pghardstorage\\.[a-z0-9_.]+\\.[A-Z]\\w*");

  @Test
  void resourcesNameOnlyServicesErrorsAndTheResultWriter() throws IOException {
    List<String> outside = new ArrayList<>();
    Path sources = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = PRODUCT_TYPE.matcher(Files.readString(f));
        while (m.find()) {
          String type = m.group();
          if (ALLOWED.stream().noneMatch(type::startsWith)) {
            outside.add(sources.relativize(f) + ": " + type);
          }
        }
      }
    }
    assertThat(outside).isEmpty();
  }
}
