package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.cli.InProcess.Run;

/**
 * Every command that takes {@code --repo} finds the repository in {@code pg_hardstorage.yml} when
 * no flag names one: the named deployment's, else the top-level one, as {@code init} writes it.
 */
class RepositoryFromConfigurationTest {
  @TempDir Path tmp;
  private String url;
  private Path config;

  @BeforeEach
  void repository() throws IOException {
    url = "file://" + tmp.resolve("repo");
    config = tmp.resolve("pg_hardstorage.yml");
    Files.writeString(tmp.resolve("empty.yml"), "deployments: {}\n");
    assertThat(InProcess.run(tmp.resolve("empty.yml"), "repo", "init", url).exit()).isZero();
  }

  private Run run(String yaml, String... args) throws IOException {
    Files.writeString(config, yaml);
    return InProcess.run(config, args);
  }

  /** What init writes: a top-level repository and a deployment without one of its own. */
  private String asInitWritesIt() {
    return "repository: \""
        + url
        + "\"\ndeployments:\n  local:\n    connection: \"host=127.0.0.1 user=postgres\"\n";
  }

  @Test
  void listRightAfterInitUsesTheTopLevelRepository() throws IOException {
    Run list = run(asInitWritesIt(), "list");
    assertThat(list.exit()).as(list.toString()).isZero();
    assertThat(list.result().path("deployments")).isEmpty();

    Run onlyRepository = run("repository: \"" + url + "\"\n", "list");
    assertThat(onlyRepository.exit()).as(onlyRepository.toString()).isZero();
  }

  @Test
  void everyRepoSubcommandUsesTheTopLevelRepository() throws IOException {
    String yaml = asInitWritesIt();
    Run info = run(yaml, "repo", "info");
    assertThat(info.exit()).as(info.toString()).isZero();
    assertThat(info.result().path("url").asText()).isEqualTo(url);
    assertThat(run(yaml, "repo", "locks").exit()).isZero();
    assertThat(run(yaml, "repo", "unlock").exit()).isZero();
    assertThat(run(yaml, "repo", "index", "rebuild").exit()).isZero();
  }

  @Test
  void aNamedDeploymentWithoutItsOwnRepositoryUsesTheTopLevelOne() throws IOException {
    Run list = run(asInitWritesIt(), "list", "local");
    assertThat(list.exit()).as(list.toString()).isEqualTo(6);
    // the repository was opened: it is the deployment that has nothing in it yet
    assertThat(list.code()).isEqualTo("deployment.not_found");
    assertThat(list.message()).contains(tmp.resolve("repo").toString());
  }

  @Test
  void theOneRepositoryAllDeploymentsNameIsTheDefault() throws IOException {
    String yaml =
        "deployments:\n  db1:\n    repository: \""
            + url
            + "\"\n  db2:\n    repository: \""
            + url
            + "\"\n";
    Run list = run(yaml, "list");
    assertThat(list.exit()).as(list.toString()).isZero();
  }

  @Test
  void deploymentsNamingDifferentRepositoriesWithoutADefaultAreAmbiguous() throws IOException {
    String yaml =
        "deployments:\n  db1:\n    repository: \""
            + url
            + "\"\n  db2:\n    repository: \"file:///elsewhere\"\n";
    Run list = run(yaml, "list");
    assertThat(list.exit()).as(list.toString()).isEqualTo(2);
    assertThat(list.code()).isEqualTo("config.ambiguous_repository");
    assertThat(list.message()).contains("db1").contains("db2").contains("file:///elsewhere");
  }

  @Test
  void noRepositoryAnywhereIsAUsageErrorThatSaysWhereToPutOne() throws IOException {
    Run list = run("deployments: {}\n", "list");
    assertThat(list.exit()).as(list.toString()).isEqualTo(2);
    assertThat(list.code()).isEqualTo("usage.no_repo");
    assertThat(list.suggestion())
        .contains("--repo")
        .contains("PGHS_REPO")
        .contains(config.toString());
  }

  @Test
  void anUnknownDeploymentWithoutADefaultRepositoryNamesTheKnownOnes() throws IOException {
    Run list = run("deployments:\n  db1:\n    repository: \"" + url + "\"\n", "list", "db2");
    assertThat(list.exit()).as(list.toString()).isEqualTo(6);
    assertThat(list.code()).isEqualTo("deployment.unknown");
    assertThat(list.suggestion()).contains("db1");
  }
}
