package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pghardstorage.core.repo.Deployment;

class LauncherTest {
  @Test
  void restoreCommandQuotesForTheShellAndEscapesPercentSigns() {
    assertThat(
            Launcher.restoreCommand(
                "/opt/pg hardstorage/bin/pg_hardstorage",
                Deployment.of("db1"),
                "file:///srv/100%/repo"))
        .isEqualTo(
            "'/opt/pg hardstorage/bin/pg_hardstorage' wal fetch db1 %f %p --restore-command"
                + " --prefetch 8 --output text --repo 'file:///srv/100%%/repo'");
  }
}
