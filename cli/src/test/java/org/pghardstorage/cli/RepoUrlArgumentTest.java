package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.cli.InProcess.Run;

/** The {@code repo} subcommands take the repository as an argument as well as with --repo. */
class RepoUrlArgumentTest {
  @TempDir Path tmp;
  private Path config;
  private String url;

  @BeforeEach
  void repository() throws IOException {
    config = tmp.resolve("empty.yml");
    Files.writeString(config, "deployments: {}\n");
    url = "file://" + tmp.resolve("repo");
    assertThat(InProcess.run(config, "repo", "init", url).exit()).isZero();
  }

  @Test
  void everyRepoSubcommandTakesTheUrlAsItsArgument() {
    Run info = InProcess.run(config, "repo", "info", url);
    assertThat(info.exit()).as(info.toString()).isZero();
    assertThat(info.result().path("url").asText()).isEqualTo(url);
    assertThat(InProcess.run(config, "repo", "locks", url).exit()).isZero();
    assertThat(InProcess.run(config, "repo", "unlock", url).exit()).isZero();
    Run rebuild = InProcess.run(config, "repo", "index", "rebuild", url);
    assertThat(rebuild.exit()).as(rebuild.toString()).isZero();
    assertThat(rebuild.result().path("url").asText()).isEqualTo(url);
  }

  @Test
  void theSameUrlTwiceIsFine() {
    Run info = InProcess.run(config, "repo", "info", url, "--repo", url);
    assertThat(info.exit()).as(info.toString()).isZero();
  }

  @Test
  void twoDifferentUrlsAreAUsageErrorNamingBoth() {
    String other = "file://" + tmp.resolve("other");
    for (String[] args :
        new String[][] {
          {"repo", "info", url, "--repo", other},
          {"repo", "locks", url, "--repo", other},
          {"repo", "unlock", url, "--repo", other},
          {"repo", "index", "rebuild", url, "--repo", other},
          {"repo", "init", other, "--repo", url}
        }) {
      Run r = InProcess.run(config, args);
      assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(2);
      assertThat(r.code()).isEqualTo("usage.repo_twice");
      assertThat(r.message()).contains(url).contains(other);
    }
    assertThat(tmp.resolve("other")).doesNotExist();
  }
}
