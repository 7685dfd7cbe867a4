package org.pghardstorage.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.BackupPosition;
import org.pghardstorage.core.pg.BaseBackupArchive;
import org.pghardstorage.core.pg.BaseBackupOptions;
import org.pghardstorage.core.pg.BaseBackupStream;
import org.pghardstorage.core.pg.ConnectOptions;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.pg.SystemIdentification;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.BackupWriter;
import org.pghardstorage.core.repo.PreviousFiles;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.BackupSource;
import org.pghardstorage.core.repo.manifest.PostgresInfo;
import org.pghardstorage.core.repo.manifest.PostgresManifestRef;
import org.pghardstorage.core.repo.manifest.Tablespace;
import org.pghardstorage.core.repo.manifest.WalRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one base backup into a repository:
 *
 * <ol>
 *   <li>checks the server (PostgreSQL 15+, same system as earlier backups of the deployment);
 *   <li>starts receiving WAL on a second connection through a temporary slot created before the
 *       backup starts, so every segment from the backup's checkpoint on is retained and stored;
 *   <li>runs {@code BASE_BACKUP} and streams each archive's files into the repository; on
 *       PostgreSQL 17+ with WAL summaries, {@code INCREMENTAL} against the previous backup, whose
 *       files it rebuilds so that the stored backup is a full one (format spec §5.2);
 *   <li>waits until the WAL up to the backup's end LSN is durable;
 *   <li>commits the manifest, the backup's single point of visibility.
 * </ol>
 *
 * Any failure before the commit leaves nothing that looks like a backup.
 */
public final class BackupRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRunner.class);
  private static final int MIN_VERSION_NUM = 150000;

  private final Repository repository;
  private final Clock clock;
  private final ReplicationConnector connector;

  public BackupRunner(Repository repository, Clock clock) {
    this(repository, clock, ReplicationConnection::open);
  }

  BackupRunner(Repository repository, Clock clock, ReplicationConnector connector) {
    this.repository = repository;
    this.clock = clock;
    this.connector = connector;
  }

  /** Runs the backup and returns what was committed. */
  public BackupResult run(BackupRequest request, BackupProgress progress) {
    Instant started = clock.instant();
    progress.phase("connect", request.connInfo().redacted());
    ConnectOptions options =
        ConnectOptions.replication().withFallbackApplicationName("pg_hardstorage backup");
    try (ReplicationConnection control = connector.open(request.connInfo(), options)) {
      SystemIdentification system = control.identifySystem();
      int versionNum = control.connection().serverVersionNum();
      requireSupported(versionNum, control.connection().serverVersion());
      // The previous backup's file layouts: where this backup cuts its files first (spec §5.1).
      Optional<BackupManifest> latest = requireSameSystem(request, system);
      PreviousFiles previous = latest.map(PreviousFiles::of).orElse(PreviousFiles.none());
      WalSegmentSize segmentSize = control.walSegmentSize();
      // What an INCREMENTAL BASE_BACKUP would be taken against (spec §5.2), if the server can.
      Optional<IncrementalBase> base =
          IncrementalBase.choose(control, versionNum, repository, request.deployment(), latest)
              .map(b -> b.withFiles(previous, repository.openChunkReader()));

      try (WalSource wal = walSource(control, request, options, system, segmentSize, progress)) {
        BackupId id = BackupId.generate(started, ThreadLocalRandom.current());
        try (BackupWriter writer = repository.newBackup(request.deployment(), id)) {
          progress.phase("checkpoint", request.fastCheckpoint() ? "fast" : "spread");
          Copied copied = copy(control, request, writer, previous, base, progress);
          progress.phase("wal", "waiting for WAL up to " + copied.end.lsn());
          int segments =
              wal.awaitDurable(copied.start.lsn(), copied.end.lsn(), request.walTimeout());
          recordCoverage(request, copied, segmentSize);
          progress.phase("commit", id.value());
          BackupManifest manifest =
              new BackupManifest(
                  id,
                  request.deployment(),
                  request.label(),
                  started,
                  clock.instant(),
                  new PostgresInfo(
                      versionNum,
                      control.connection().serverVersion(),
                      system.systemId().toString()),
                  new WalRange(
                      copied.start.lsn().toString(),
                      copied.start.timeline().value(),
                      copied.end.lsn().toString(),
                      copied.end.timeline().value(),
                      Math.toIntExact(segmentSize.bytes())),
                  copied.tablespaces,
                  copied.archives,
                  writer.stats().toBackupStats(),
                  PostgresManifestRef.of(copied.postgresManifest),
                  new BackupSource(copied.bytesFromServer, copied.incrementalFrom.orElse(null)));
          writer.commit(manifest, copied.postgresManifest);
          Duration took = Duration.between(started, clock.instant());
          LOG.info("backup {} of {} committed in {}", id, request.deployment(), took);
          return new BackupResult(manifest, took, segments);
        }
      }
    }
  }

  /**
   * Records that the archive holds the backup's WAL whole (it is durable now), so that a segment of
   * it that later goes missing is known as lost rather than as never archived. A backup that spans
   * a timeline switch records nothing: its WAL is on two timelines.
   */
  private void recordCoverage(BackupRequest request, Copied copied, WalSegmentSize segmentSize) {
    if (!copied.start.timeline().equals(copied.end.timeline())) {
      return;
    }
    Lsn end = copied.end.lsn();
    Lsn last =
        end.isSegmentStart(segmentSize) && end.isAfter(copied.start.lsn()) ? end.plus(-1) : end;
    repository
        .wal(request.deployment())
        .recordCoverage(
            new WalArchive.Coverage(
                WalSegmentName.of(copied.start.timeline(), copied.start.lsn(), segmentSize)
                    .toString(),
                Optional.of(
                    WalSegmentName.of(copied.end.timeline(), last, segmentSize).toString())));
  }

  /**
   * The running streamer's WAL when its slot is active (so the same WAL is not written twice by two
   * receivers), else a receiver of the backup's own on a temporary slot.
   */
  private WalSource walSource(
      ReplicationConnection control,
      BackupRequest request,
      ConnectOptions options,
      SystemIdentification system,
      WalSegmentSize segmentSize,
      BackupProgress progress) {
    String slot = request.streamerSlot();
    boolean streaming =
        !control
            .connection()
            .querySingle(
                "SELECT 1 FROM pg_replication_slots WHERE active AND slot_name = '"
                    + slot.replace("'", "''")
                    + "'")
            .rows()
            .isEmpty();
    if (streaming) {
      progress.phase("wal", "the streamer on slot " + slot + " provides the WAL");
      return new StreamerWal(
          repository.wal(request.deployment()), segmentSize, system.timeline(), clock);
    }
    return OwnWal.start(
        connector, repository, request, options, system.timeline(), segmentSize, clock);
  }

  /** What BASE_BACKUP produced. */
  private record Copied(
      BackupPosition start,
      BackupPosition end,
      List<Tablespace> tablespaces,
      List<Archive> archives,
      byte[] postgresManifest,
      long bytesFromServer,
      Optional<BackupId> incrementalFrom) {}

  /** A running BASE_BACKUP and, if the server sends it incrementally, the rebuild of its files. */
  private record Started(BaseBackupStream stream, Optional<IncrementalRebuild> rebuild) {}

  /** An incremental BASE_BACKUP if there is a base and the server takes it, else a full one. */
  private static Started begin(
      ReplicationConnection control,
      BaseBackupOptions.Builder options,
      Optional<IncrementalBase> base) {
    if (base.isPresent()) {
      IncrementalRebuild rebuild = base.get().rebuild();
      Optional<BaseBackupStream> incremental = base.get().start(control, options);
      if (incremental.isPresent()) {
        return new Started(incremental.get(), Optional.of(rebuild));
      }
    }
    return new Started(control.baseBackup(options.build()), Optional.empty());
  }

  private static Copied copy(
      ReplicationConnection control,
      BackupRequest request,
      BackupWriter writer,
      PreviousFiles previous,
      Optional<IncrementalBase> base,
      BackupProgress progress) {
    BaseBackupOptions.Builder b =
        BaseBackupOptions.builder(request.label())
            .fastCheckpoint(request.fastCheckpoint())
            .manifest(true)
            .manifestChecksums("CRC32C")
            .progress(true)
            // We make the WAL durable ourselves; never wait on a (possibly broken) archiver.
            .waitForWalArchive(false)
            // pg_tblspc links travel as symlinks, which restore re-points when remapping; a
            // tablespace_map file would disagree with PostgreSQL's manifest once rewritten
            .tablespaceMap(false);
    request.maxRateKbPerSecond().ifPresent(b::maxRateKbPerSecond);
    Started started = begin(control, b, base);
    Optional<IncrementalRebuild> rebuild = started.rebuild();
    try (BaseBackupStream stream = started.stream()) {
      BackupPosition start = stream.start();
      long total = 0;
      List<Tablespace> tablespaces = new ArrayList<>();
      for (org.pghardstorage.core.pg.Tablespace t : stream.tablespaces()) {
        total += t.sizeKb().orElse(0) * 1024;
        if (!t.isDataDirectory()) {
          tablespaces.add(new Tablespace(t.oid().getAsLong(), t.location().orElseThrow()));
        }
      }
      long estimate = total;
      stream.setProgressListener(done -> progress.copied(done, estimate));
      progress.phase("copy", "from " + start.lsn() + " on timeline " + start.timeline());
      List<Archive> archives = new ArrayList<>();
      for (Optional<BaseBackupArchive> a = stream.nextArchive();
          a.isPresent();
          a = stream.nextArchive()) {
        archives.add(archive(a.get(), tablespaces, writer, previous, rebuild));
      }
      byte[] postgresManifest;
      try (InputStream m =
          stream
              .manifest()
              .orElseThrow(
                  () ->
                      new HardstorageException(
                          "backup.no_manifest",
                          ExitCode.ERROR,
                          "PostgreSQL sent no backup_manifest",
                          null))) {
        postgresManifest = m.readAllBytes();
      }
      long fromServer = stream.bytesReceived();
      BackupPosition end = stream.end();
      if (rebuild.isPresent()) {
        postgresManifest = rebuild.get().finish(postgresManifest);
        LOG.info(
            "incremental backup against {}: {} bytes read from the server, {} changed blocks,"
                + " {} unchanged relation files stored by reference",
            rebuild.get().base(),
            fromServer,
            rebuild.get().blocksReceived(),
            rebuild.get().filesReused());
      }
      progress.copied(writer.stats().bytesRead(), estimate);
      return new Copied(
          start,
          end,
          tablespaces,
          archives,
          postgresManifest,
          fromServer,
          rebuild.map(IncrementalRebuild::base));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the base backup failed", e);
    }
  }

  private static Archive archive(
      BaseBackupArchive a,
      List<Tablespace> tablespaces,
      BackupWriter writer,
      PreviousFiles previous,
      Optional<IncrementalRebuild> rebuild)
      throws IOException {
    if (a.tablespaceLocation().isEmpty()) {
      return Archive.base(
          ArchiveIngest.ingest(
              a.name(), 0, a.data(), writer, path -> previous.layout(0, path), rebuild));
    }
    String location = a.tablespaceLocation().get();
    long oid =
        tablespaces.stream()
            .filter(t -> t.location().equals(location))
            .findFirst()
            .map(Tablespace::oid)
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "backup.tablespace_unknown",
                        ExitCode.ERROR,
                        "archive "
                            + a.name()
                            + " is for tablespace "
                            + location
                            + " which the server did not list",
                        null));
    return Archive.tablespace(
        oid,
        ArchiveIngest.ingest(
            a.name(), oid, a.data(), writer, path -> previous.layout(oid, path), rebuild));
  }

  private static void requireSupported(int versionNum, String version) {
    if (versionNum < MIN_VERSION_NUM) {
      throw new HardstorageException(
          "preflight.version",
          ExitCode.PREFLIGHT_REFUSED,
          "PostgreSQL " + version + " is not supported; pg_hardstorage needs 15 or newer",
          "upgrade the server, or use a tool that supports it");
    }
  }

  /**
   * Refuses a different database system; returns the deployment's latest backup if it reads. A
   * damaged latest manifest only costs its file layouts (this backup is cut by content alone): the
   * system is then checked against the newest backup that does read, and if none does the damage is
   * the error, since the check cannot be made.
   */
  private Optional<BackupManifest> requireSameSystem(
      BackupRequest request, SystemIdentification system) {
    List<BackupId> earlier = repository.listBackups(request.deployment());
    RepositoryCorruptException damage = null;
    for (int i = earlier.size() - 1; i >= 0; i--) {
      Optional<BackupManifest> manifest;
      try {
        manifest = repository.readManifest(request.deployment(), earlier.get(i));
      } catch (RepositoryCorruptException e) {
        LOG.warn(
            "backup {} of {} cannot be read ({}); this backup does not reuse its chunk boundaries",
            earlier.get(i),
            request.deployment(),
            e.getMessage());
        damage = damage == null ? e : damage;
        continue;
      }
      if (manifest.isEmpty()) {
        continue; // deleted since listed
      }
      String known = manifest.get().postgres().systemIdentifier();
      if (!known.equals(system.systemId().toString())) {
        throw new HardstorageException(
            "backup.system_changed",
            ExitCode.CONFLICT,
            "deployment '"
                + request.deployment()
                + "' was backed up from database system "
                + known
                + " but the server now is system "
                + system.systemId()
                + ": a different cluster behind the same name",
            "back the new cluster up under a new deployment name");
      }
      return i == earlier.size() - 1 ? manifest : Optional.empty();
    }
    if (damage != null) {
      throw damage;
    }
    return Optional.empty();
  }
}
