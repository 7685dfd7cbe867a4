package org.pghardstorage.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianClustersTest {
  @TempDir Path etc;

  @Test
  void readsEachClustersPortAndDefaultsTo5432() throws IOException {
    write("15/main/postgresql.conf", "# port = 1\nport = 5433\t\t# (change requires restart)\n");
    write("16/main/postgresql.conf", "listen_addresses = 'localhost'\n");
    write("17/other/postgresql.conf", "port = 5434\nport='5435'\n");
    assertThat(DebianClusters.find(etc))
        .containsExactly(
            new Candidate("127.0.0.1", 5433, "Debian cluster 15/main"),
            new Candidate("127.0.0.1", 5432, "Debian cluster 16/main"),
            new Candidate("127.0.0.1", 5435, "Debian cluster 17/other"));
  }

  @Test
  void noPackagingIsNoCandidates() {
    assertThat(DebianClusters.find(etc.resolve("missing"))).isEmpty();
  }

  private void write(String rel, String text) throws IOException {
    Path p = etc.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }
}
