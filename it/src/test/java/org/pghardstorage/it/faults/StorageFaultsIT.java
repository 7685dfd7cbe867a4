package org.pghardstorage.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.it.cli.StreamedCluster.awaitDurable;
import static org.pghardstorage.it.cli.StreamedCluster.insertLsn;
import static org.pghardstorage.it.cli.StreamedCluster.mark;
import static org.pghardstorage.it.cli.StreamedCluster.markers;
import static org.pghardstorage.it.cli.StreamedCluster.range;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.pghardstorage.devstack.FaultyHttpProxy;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.S3ProxyServer;
import org.pghardstorage.it.cli.Cli;
import org.pghardstorage.it.cli.Pgbench;
import org.pghardstorage.it.cli.StreamedCluster;

/**
 * Storage faults: the repository is on S3 (a real S3Proxy) behind {@link FaultyHttpProxy}, which
 * answers 503, drops connections, loses responses after they took effect and slows answers, for a
 * share of all requests. Under pgbench, {@code repo init}, two backups, the WAL streamer, {@code
 * verify}, a rotation and a restore whose {@code restore_command} fetches WAL through the same
 * proxy all succeed by retrying; nothing is mistaken for a conflict or the end of the archive; and
 * the restored cluster holds every marker row. The seed is printed ({@code -Dpghs.faults.seed}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageFaultsIT {
  private static final int MAJOR = 17;
  private static final long SEED = Long.getLong("pghs.faults.seed", new SecureRandom().nextLong());

  private PgCluster source;
  private Path work;
  private FaultyHttpProxy proxy;
  private String repo;

  @BeforeAll
  void setUp() throws IOException {
    work = Locations.newRunDir("pghs-it-storage-faults-");
    source = PgCluster.builder(MAJOR).in(work.resolve("source")).start();
    StreamedCluster.prepare(source);
    source.execute("postgres", "CREATE DATABASE bench");
    Pgbench.init(source, "bench", 2);
    S3ProxyServer s3 = S3ProxyServer.get();
    s3.createBucket("pghs-faults");
    proxy = new FaultyHttpProxy(s3.endpoint(), SEED, 0.15);
    repo =
        "s3://pghs-faults/run-"
            + Long.toHexString(SEED)
            + "/?endpoint="
            + proxy.endpoint()
            + "&path_style=true&credentials_file="
            + s3.credentialsFile(work.resolve("aws-credentials"));
  }

  @AfterAll
  void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
    StreamedCluster.closeAndDelete(source, work);
  }

  @Test
  void everyOperationRetriesThroughStorageFaultsAndTheDataRestores() {
    System.out.printf("storage faults: seed %d%n", SEED);
    proxy.enable(true);
    ok(Cli.run("repo", "init", repo), "repo init");
    try (Pgbench load = Pgbench.start(source, "bench", 2, 100, Duration.ofMinutes(10))) {
      ok(
          Cli.run(
              "backup", "db1", "--pg-connection", StreamedCluster.conninfo(source), "--repo", repo),
          "backup");
      try (Cli.Background streamer =
          StreamedCluster.stream(work.resolve("stream.log"), source, repo)) {
        for (int batch = 0; batch < 4; batch++) {
          mark(source, batch * 10 + 1, batch * 10 + 10);
          source.execute("postgres", "SELECT pg_switch_wal()");
        }
        ok(
            Cli.run(
                "backup",
                "db1",
                "--pg-connection",
                StreamedCluster.conninfo(source),
                "--repo",
                repo),
            "backup beside the streamer");
        mark(source, 41, 50);
        awaitDurable(streamer, insertLsn(source));
        assertThat(streamer.process().isAlive()).as(streamer.output()).isTrue();
      }
    }
    for (var b : Cli.run("list", "db1", "--repo", repo).result().path("backups")) {
      ok(Cli.run("verify", "db1", b.path("backup_id").asText(), "--repo", repo), "verify");
    }
    ok(Cli.run("rotate", "db1", "--repo", repo, "--keep-hourly", "1", "--apply"), "rotate");
    ok(Cli.run("wal", "audit", "db1", "--repo", repo), "wal audit");

    PgCluster restored =
        StreamedCluster.restoreLatestAndStart(
            MAJOR, repo, work.resolve("restored"), source.password());
    try {
      assertThat(markers(restored)).isEqualTo(range(1, 50));
    } finally {
      restored.close();
    }
    proxy.enable(false);
    FaultFigures.record(
        "storage faults injected",
        proxy.total()
            + " "
            + proxy.injected()
            + " among "
            + proxy.forwarded()
            + " forwarded requests (seed "
            + SEED
            + ")");
    assertThat(proxy.injected().values())
        .as("every kind of fault was injected")
        .allMatch(n -> n > 0);
  }

  private static void ok(Cli.Result r, String what) {
    assertThat(r.exitCode()).as("%s through storage faults: %s", what, r).isZero();
  }
}
