package org.pghardstorage.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * Writes one backup: {@link #writeFile} chunks, deduplicates, compresses, seals and packs file
 * content; {@link #commit} runs the commit protocol (format spec §11): packs durable → index files
 * → PostgreSQL's backup_manifest → lock still held → manifest, last.
 *
 * <p>The writer holds a shared repository lock from creation until commit, abort or close. A {@link
 * FileCutter} decides where a file is cut and which stored chunks it reuses; hashing, compression
 * and sealing run on the writer's encoder pool ({@code pghs-encode-<backup id>-N}), pack uploads on
 * its upload pool ({@code pghs-upload-<backup id>-N}).
 *
 * <p>Thread-safety: {@link #writeFile} may be called from several threads at once (each call
 * handles one file); {@link #commit}, {@link #abort} and {@link #close} must not race with it.
 * After a failed commit the writer is closed; retry with a new writer (already stored packs are
 * deduplicated against).
 */
public final class BackupWriter implements AutoCloseable {
  /**
   * Chunks handed to the encoder threads and not yet taken back, per thread: the window bounds
   * memory (at most this many max-size chunks per thread) and lets the receiving thread run ahead
   * of a slow chunk. Two per thread kept it waiting for the oldest chunk about one second in ten of
   * a base backup while the encoders idled (JFR), and eight took a scale-100 backup from 7.1 to 6.7
   * s (median of 3, same cluster).
   */
  static final int CHUNKS_IN_FLIGHT_PER_ENCODER = 8;

  private enum State {
    OPEN,
    COMMITTED,
    CLOSED
  }

  private final RepoContext ctx;
  private final Deployment deployment;
  private final BackupId backupId;
  private final BackupCatalog catalog;
  private final RepositoryLock lock;
  private final PackUploader uploader;
  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

  /** Chunks in the open pack or being uploaded: not yet in the index, already ours. */
  private final Set<ChunkId> inFlight = ConcurrentHashMap.newKeySet();

  private final Object packLock = new Object();
  private final ExecutorService encoders;
  private final FileCutter cutter;
  private PackBuilder pack;

  private final LongAdder files = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder chunksTotal = new LongAdder();
  private final LongAdder chunksNew = new LongAdder();
  private final LongAdder bytesNew = new LongAdder();
  private final LongAdder bytesStored = new LongAdder();

  BackupWriter(RepoContext ctx, Deployment deployment, BackupId backupId) {
    this.ctx = ctx;
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.backupId = Objects.requireNonNull(backupId, "backupId");
    this.catalog = new BackupCatalog(ctx);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    this.lock = ctx.locks().acquire(LockKind.SHARED, "backup " + deployment + " " + backupId);
    // created after the lock, so a refused lock leaves no threads behind
    this.encoders =
        java.util.concurrent.Executors.newFixedThreadPool(
            threads, new NamedThreads("pghs-encode-" + backupId, true));
    this.cutter =
        new FileCutter(
            ctx,
            encoders,
            CHUNKS_IN_FLIGHT_PER_ENCODER * threads,
            this::encode,
            new ChunkReader(ctx));
    try {
      // Deduplicating against a pack that a GC deleted before our lock would lose data.
      ctx.indexes().refresh();
      if (catalog.exists(deployment, backupId)) {
        throw RepositoryErrors.backupExists(
            BackupCatalog.manifestKey(deployment, backupId).value());
      }
      this.pack = newPack();
      OpenOptions o = ctx.options();
      this.uploader =
          new PackUploader(
              ctx.store(),
              ctx.indexes(),
              o.uploadThreads(),
              o.uploadQueue(),
              o.indexFlushPacks(),
              "pghs-upload-" + backupId,
              p -> p.entries().forEach(e -> inFlight.remove(e.id())));
    } catch (RuntimeException e) {
      encoders.shutdownNow();
      lock.close();
      throw e;
    }
  }

  /** The deployment being backed up. */
  public Deployment deployment() {
    return deployment;
  }

  /** This backup's id. */
  public BackupId backupId() {
    return backupId;
  }

  /**
   * Stores one file's content, cut by content alone. Reads {@code content} to its end and does not
   * close it.
   *
   * @return the file's size, chunk list and CRC32C
   * @throws IOException from {@code content}
   * @throws HardstorageException if an earlier pack upload failed or storage fails
   */
  public FileRef writeFile(InputStream content) throws IOException {
    return writeFile(content, List.of());
  }

  /**
   * Stores one file's content, cut first at the boundaries the previous backup recorded for the
   * same file (format spec §5.1): unchanged ranges reuse the stored chunks, changed pages alone are
   * stored. Reads {@code content} to its end and does not close it.
   *
   * @param previous the file's chunk refs in the previous backup of this deployment ({@link
   *     PreviousFiles}); empty for a new file. Only a hint: a ref is reused only where the bytes
   *     match its id and the index holds its chunk.
   * @return the file's size, chunk list and CRC32C
   * @throws IOException from {@code content}
   * @throws HardstorageException if an earlier pack upload failed or storage fails
   */
  public FileRef writeFile(InputStream content, List<ChunkRef> previous) throws IOException {
    return writeFile(content, PreviousFiles.Layout.of(previous));
  }

  /**
   * Stores one file's content as {@link #writeFile(InputStream, List)} does, except that ranges of
   * the layout's sparse chunks are stored anew rather than referred to (format spec §5.1).
   *
   * @param previous the file's layout in the previous backup ({@link PreviousFiles#layout})
   * @return the file's size, chunk list and CRC32C
   * @throws IOException from {@code content}
   * @throws HardstorageException if an earlier pack upload failed or storage fails
   */
  public FileRef writeFile(InputStream content, PreviousFiles.Layout previous) throws IOException {
    requireOpen();
    FileRef ref = cutter.cut(content, previous);
    files.increment();
    bytesRead.add(ref.size());
    chunksTotal.add(ref.chunks().size());
    return ref;
  }

  /**
   * Stores a file whose bytes are, by construction, exactly those of a file of an earlier backup,
   * by reference: nothing is read, hashed or stored (format spec §5.2). Only if the index proper
   * holds every chunk it names (§9.1: not pack trailers), so that the commit's checks hold.
   *
   * @param previous the earlier file, as its manifest (an authenticated object) records it
   * @return {@code previous}, or empty if a chunk of it is not indexed: store the bytes instead
   */
  public Optional<FileRef> reuse(FileRef previous) {
    requireOpen();
    for (ChunkRef r : previous.chunks()) {
      if (!ctx.index().contains(r.id())) {
        return Optional.empty();
      }
    }
    files.increment();
    bytesRead.add(previous.size());
    chunksTotal.add(previous.chunks().size());
    return Optional.of(previous);
  }

  private ChunkRef encode(byte[] chunk) {
    ChunkId id = ctx.keys().hasher().idOf(chunk);
    // In-flight first, then the index: an upload adds to the index before leaving in-flight.
    if (!inFlight.contains(id) && !ctx.index().contains(id)) {
      store(id, chunk);
    }
    return new ChunkRef(id, chunk.length);
  }

  /** Counters so far. */
  public WriteStats stats() {
    return new WriteStats(
        files.sum(),
        bytesRead.sum(),
        chunksTotal.sum(),
        chunksNew.sum(),
        bytesNew.sum(),
        bytesStored.sum(),
        uploader.stored());
  }

  /**
   * Commits the backup. On return the backup is visible and durable; on failure nothing is visible,
   * and the writer is closed either way.
   *
   * @param manifest the backup's manifest; its deployment and id must be this writer's, and every
   *     chunk it references must be stored
   * @param postgresBackupManifest PostgreSQL's backup_manifest, matching {@code
   *     manifest.postgresBackupManifest()}
   * @throws HardstorageException {@code repo.manifest_incomplete}, {@code repo.backup_exists},
   *     {@code repo.lock_lost}, or a storage error
   */
  public void commit(BackupManifest manifest, byte[] postgresBackupManifest) {
    requireOpen();
    try {
      requireOwn(manifest, postgresBackupManifest);
      synchronized (packLock) {
        if (!pack.isEmpty()) {
          uploader.submit(pack.finish(ctx.keys().cipher()));
          pack = newPack();
        }
      }
      uploader.awaitAll();
      ctx.indexes().flush();
      requireChunksIndexed(manifest);
      catalog.writePostgresManifest(deployment, backupId, postgresBackupManifest);
      lock.checkHeld();
      catalog.writeManifest(manifest);
      state.set(State.COMMITTED);
    } finally {
      close();
    }
  }

  /**
   * Abandons the backup: waits for running uploads, releases the lock. Stored packs stay as
   * unreferenced data for GC (and are indexed by the next commit in this process).
   */
  public void abort() {
    close();
  }

  /** Aborts unless committed; idempotent. */
  @Override
  public void close() {
    State previous = state.getAndUpdate(s -> State.CLOSED);
    if (previous == State.CLOSED) {
      return;
    }
    try {
      encoders.shutdownNow();
      uploader.close();
    } finally {
      lock.close();
    }
  }

  private void store(ChunkId id, byte[] chunk) {
    byte[] sealed = ctx.blobs().encode(chunk, 0, chunk.length, Aad.chunk(id));
    PackBuilder.FinishedPack full = null;
    synchronized (packLock) {
      requireOpen();
      if (!inFlight.add(id)) {
        return; // another thread is storing it
      }
      if (ctx.index().contains(id)) {
        // Another thread's pack with this chunk was uploaded since our check: uploads index a pack
        // before clearing its chunks from inFlight, so one of the two checks always sees it.
        inFlight.remove(id);
        return;
      }
      pack.add(id, sealed, chunk.length);
      chunksNew.increment();
      bytesNew.add(chunk.length);
      bytesStored.add(sealed.length);
      if (pack.size() >= ctx.config().packTargetSize()) {
        full = pack.finish(ctx.keys().cipher());
        pack = newPack();
        // Submitting under the lock keeps packs in order and lets back-pressure reach all callers.
        uploader.submit(full);
      }
    }
  }

  private void requireOwn(BackupManifest manifest, byte[] postgresBackupManifest) {
    if (!manifest.deployment().equals(deployment) || !manifest.backupId().equals(backupId)) {
      throw new IllegalArgumentException(
          "manifest of "
              + manifest.deployment()
              + "/"
              + manifest.backupId()
              + " handed to the writer of "
              + deployment
              + "/"
              + backupId);
    }
    if (!manifest.postgresBackupManifest().matches(postgresBackupManifest)) {
      throw new IllegalArgumentException(
          "PostgreSQL's backup_manifest ("
              + postgresBackupManifest.length
              + " bytes) does not match the manifest's reference "
              + manifest.postgresBackupManifest());
    }
  }

  private void requireChunksIndexed(BackupManifest manifest) {
    List<ChunkId> missing =
        manifest
            .chunkRefs()
            .map(ChunkRef::id)
            .filter(id -> !ctx.index().contains(id))
            .distinct()
            .limit(5)
            .toList();
    if (!missing.isEmpty()) {
      throw new HardstorageException(
          RepositoryErrors.MANIFEST_INCOMPLETE,
          ExitCode.ERROR,
          "manifest of backup "
              + deployment
              + "/"
              + backupId
              + " references chunks the repository does not hold, e.g. "
              + missing,
          "build the manifest from FileRefs returned by this writer");
    }
  }

  private PackBuilder newPack() {
    return new PackBuilder(Math.min(ctx.config().packTargetSize() + (1 << 20), 64 << 20));
  }

  private void requireOpen() {
    if (state.get() != State.OPEN) {
      throw new IllegalStateException(
          "the writer of backup " + deployment + "/" + backupId + " is " + state.get());
    }
  }
}
