package org.pghardstorage.core.backup;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.BaseBackupOptions;
import org.pghardstorage.core.pg.BaseBackupStream;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.PgServerException;
import org.pghardstorage.core.pg.ReplicationConnection;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.PreviousFiles;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.verify.VerificationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The previous backup an {@code INCREMENTAL} {@code BASE_BACKUP} is taken against (format spec
 * §5.2), and the attempt to start one. Whatever keeps it from happening — a server before 17,
 * {@code summarize_wal} off, a previous backup whose {@code backup_manifest} is unusable, the
 * server refusing the manifest or the incremental backup (missing WAL summaries, another timeline)
 * — makes the backup a full one, with a warning saying why; it never fails the backup. Once the
 * server has accepted {@code INCREMENTAL}, every file must be rebuilt exactly ({@link
 * IncrementalRebuild}) or the backup fails.
 */
final class IncrementalBase {
  private static final Logger LOG = LoggerFactory.getLogger(IncrementalBase.class);
  private static final int MIN_VERSION_NUM = 170000;
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|kB|MB|GB|TB)");

  private final BackupManifest previous;
  private final byte[] postgresManifest;
  private final int blockSize;
  private final int relsegSize;
  private PreviousFiles files;
  private ChunkReader reader;

  private IncrementalBase(
      BackupManifest previous, byte[] postgresManifest, int blockSize, int relsegSize) {
    this.previous = previous;
    this.postgresManifest = postgresManifest;
    this.blockSize = blockSize;
    this.relsegSize = relsegSize;
  }

  /**
   * The base for this backup, or empty (with a warning when the server could have done it) if the
   * backup must be a full one.
   *
   * @param latest the deployment's latest backup, already checked to be of the same system
   */
  static Optional<IncrementalBase> choose(
      ReplicationConnection control,
      int versionNum,
      Repository repository,
      Deployment deployment,
      Optional<BackupManifest> latest) {
    if (versionNum < MIN_VERSION_NUM || latest.isEmpty()) {
      return Optional.empty();
    }
    BackupManifest base = latest.get();
    Optional<String> unusable = failedVerification(repository, deployment, base);
    if (unusable.isPresent()) {
      // A base that cannot be read back would fail every incremental backup taken against it.
      return full(unusable.get());
    }
    String summarize = control.show("summarize_wal");
    if (!summarize.equals("on")) {
      return full(
          "summarize_wal is "
              + summarize
              + " on the server; set summarize_wal = on so that backups read only changed blocks");
    }
    int blockSize;
    long segmentBytes;
    try {
      blockSize = Math.toIntExact(bytes(control.show("block_size")));
      segmentBytes = bytes(control.show("segment_size"));
    } catch (IllegalArgumentException | ArithmeticException e) {
      return full("the server's block or segment size cannot be read: " + e.getMessage());
    }
    if (blockSize <= 0 || segmentBytes % blockSize != 0 || segmentBytes / blockSize > 1L << 31) {
      return full(
          "the server's segment size " + segmentBytes + " is not a multiple of its block size");
    }
    Optional<byte[]> manifest;
    try {
      manifest = repository.readPostgresBackupManifest(deployment, base.backupId());
    } catch (RepositoryCorruptException e) {
      return full(
          "PostgreSQL's backup_manifest of backup "
              + base.backupId()
              + " is damaged: "
              + e.getMessage());
    }
    if (manifest.isEmpty() || !base.postgresBackupManifest().matches(manifest.get())) {
      return full(
          "PostgreSQL's backup_manifest of backup "
              + base.backupId()
              + " is missing or differs from its manifest's reference");
    }
    return Optional.of(
        new IncrementalBase(base, manifest.get(), blockSize, (int) (segmentBytes / blockSize)));
  }

  private static Optional<String> failedVerification(
      Repository repository, Deployment deployment, BackupManifest base) {
    try {
      return VerificationRecord.read(repository, deployment, base.backupId())
          .filter(r -> !r.ok())
          .map(r -> "backup " + base.backupId() + " failed its last verification");
    } catch (RuntimeException e) {
      return Optional.of(
          "the verification record of backup "
              + base.backupId()
              + " cannot be read: "
              + e.getMessage());
    }
  }

  /** Gives the previous backup's files and the reader to rebuild from. */
  IncrementalBase withFiles(PreviousFiles previousFiles, ChunkReader chunkReader) {
    if (!previousFiles.backup().equals(Optional.of(previous.backupId()))) {
      throw new IllegalArgumentException(
          "files of " + previousFiles.backup() + " for a base of " + previous.backupId());
    }
    this.files = previousFiles;
    this.reader = chunkReader;
    return this;
  }

  /**
   * Uploads the previous backup's {@code backup_manifest} and starts {@code BASE_BACKUP} with
   * {@code INCREMENTAL}; empty, with a warning, if the server refuses either (the connection is
   * then idle again and {@code options} as given).
   */
  Optional<BaseBackupStream> start(
      ReplicationConnection control, BaseBackupOptions.Builder options) {
    try {
      control.uploadManifest(postgresManifest);
    } catch (PgServerException e) {
      requireUsable(control, e);
      full(
          "PostgreSQL refused the manifest of backup "
              + previous.backupId()
              + ": "
              + e.getMessage());
      return Optional.empty();
    }
    try {
      return Optional.of(control.baseBackup(options.incremental(true).build()));
    } catch (PgServerException e) {
      requireUsable(control, e);
      full(
          "PostgreSQL refused an incremental backup against "
              + previous.backupId()
              + ": "
              + e.getMessage());
      return Optional.empty();
    } finally {
      options.incremental(false);
    }
  }

  /** The rebuild of the incremental backup's files, once the server accepted it. */
  IncrementalRebuild rebuild() {
    return new IncrementalRebuild(
        files, Lsn.parse(previous.wal().startLsn()), reader, blockSize, relsegSize);
  }

  /** A refusal that closed the connection (FATAL) cannot fall back on it: the backup fails. */
  private static void requireUsable(ReplicationConnection control, HardstorageException e) {
    if (!control.connection().isUsable()) {
      throw e;
    }
  }

  private static <T> Optional<T> full(String why) {
    LOG.warn("taking a full backup, not an incremental one: {}", why);
    return Optional.empty();
  }

  /** A size as SHOW prints it: {@code 8192}, {@code 1GB}. */
  static long bytes(String text) {
    String t = text.trim();
    if (t.matches("\\d{1,18}")) {
      return Long.parseLong(t);
    }
    Matcher m = SIZE.matcher(t);
    if (!m.matches() || m.group(1).length() > 12) {
      throw new IllegalArgumentException("cannot parse the size '" + text + "'");
    }
    long unit =
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
          case "KB" -> 1L << 10;
          case "MB" -> 1L << 20;
          case "GB" -> 1L << 30;
          case "TB" -> 1L << 40;
          default -> 1L;
        };
    return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
  }
}
