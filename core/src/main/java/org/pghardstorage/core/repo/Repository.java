package org.pghardstorage.core.repo;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pghardstorage.core.chunk.PageAlignedChunker;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * A pg_hardstorage repository, format 1 ({@code docs/explanation/repository-format.md}), on any
 * {@link ObjectStore}. Create one with {@link #init}, open one with {@link #open}. At open, every
 * index file is loaded into memory so that chunks already stored are never stored again; a damaged
 * one is recorded ({@link #damagedIndexFiles}) rather than fatal, and its chunks are found through
 * pack trailers.
 *
 * <p>Thread-safe. Closing releases locks this instance still holds and its threads, not the store:
 * the caller owns the store.
 *
 * <p>Locking: {@link #newBackup} takes a shared lock itself. Other callers that write or read data
 * (WAL archiving, restore) hold a {@linkplain #lock shared lock}; GC holds an exclusive one.
 */
public final class Repository implements AutoCloseable {
  static final ObjectKey CONFIG = ObjectKey.of("config");

  private final RepoContext ctx;
  private final BackupCatalog catalog;
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean indexLoaded = true;

  private Repository(
      ObjectStore store, RepositoryConfig config, RepositoryKeys keys, OpenOptions open) {
    ZstdCodec zstd = new ZstdCodec(config.compressionLevel());
    BlobCodec blobs = new BlobCodec(keys.cipher(), zstd);
    SealedObjectCodec objects = new SealedObjectCodec(blobs);
    ZstdCodec walZstd = new ZstdCodec(config.walCompressionLevel());
    SealedObjectCodec walObjects = new SealedObjectCodec(new BlobCodec(keys.cipher(), walZstd));
    ChunkIndex index = new ChunkIndex();
    this.ctx =
        new RepoContext(
            store,
            config,
            keys,
            zstd,
            blobs,
            objects,
            walZstd,
            walObjects,
            new PageAlignedChunker(config.chunker()),
            index,
            new IndexStore(store, objects, keys.cipher(), index),
            new LockManager(store, open),
            open);
    this.catalog = new BackupCatalog(ctx);
  }

  /**
   * Creates a repository with default runtime options; see {@link #init(ObjectStore,
   * RepositoryOptions, OpenOptions)}.
   */
  public static Repository init(ObjectStore store, RepositoryOptions options) {
    return init(store, options, OpenOptions.defaults());
  }

  /**
   * Creates a repository: writes {@code config} with {@code putIfAbsent} and returns it open.
   *
   * @throws HardstorageException {@code repo.already_exists} or {@code repo.not_empty} (CONFLICT),
   *     {@code repo.invalid_options} (USAGE), {@code crypto.key_unexpected} (AUTHENTICATION) if
   *     {@code open} carries a passphrase for an unencrypted repository
   */
  public static Repository init(ObjectStore store, RepositoryOptions options, OpenOptions open) {
    String where = store.describe();
    if (store.stat(CONFIG).isPresent()) {
      throw RepositoryErrors.alreadyExists(where);
    }
    for (String prefix : List.of(IndexStore.PREFIX, BackupCatalog.PREFIX, "data/")) {
      List<ObjectInfo> found = store.list(prefix);
      if (!found.isEmpty()) {
        throw RepositoryErrors.notEmpty(where, found.get(0).key().value());
      }
    }
    if (options.passphrase().isEmpty() && open.passphrase().isPresent()) {
      throw RepositoryErrors.keyUnexpectedAtInit(where);
    }
    SecureRandom random = new SecureRandom();
    byte[] id = new byte[16];
    random.nextBytes(id);
    String repositoryId = HexFormat.of().formatHex(id);
    RepositoryConfig config = config(options, repositoryId, open);
    RepositoryKeys.Created created = RepositoryKeys.create(options, repositoryId, random);
    byte[] json =
        ConfigJson.write(new ConfigJson.Stored(config, created.clearIdKey(), created.slots()));
    if (!WriteOnce.create(store, CONFIG, json)) {
      throw RepositoryErrors.alreadyExists(where);
    }
    return new Repository(store, config, created.keys(), open);
  }

  /** Opens a repository with default runtime options (no key material). */
  public static Repository open(ObjectStore store) {
    return open(store, OpenOptions.defaults());
  }

  /**
   * Opens a repository and loads its index.
   *
   * @throws HardstorageException {@code repo.not_found} (NOT_FOUND), {@code repo.format_too_new}
   *     (PREFLIGHT_REFUSED), {@code repo.config_invalid}, {@code crypto.key_required} / {@code
   *     crypto.wrong_key} / {@code crypto.key_unexpected} (AUTHENTICATION)
   */
  public static Repository open(ObjectStore store, OpenOptions open) {
    ConfigJson.Stored stored = readConfig(store);
    RepositoryKeys keys = RepositoryKeys.resolve(stored, open.passphrase(), store.describe());
    Repository repo = new Repository(store, stored.config(), keys, open);
    try {
      repo.ctx.indexes().loadNew();
    } catch (RuntimeException e) {
      repo.close();
      throw e;
    }
    return repo;
  }

  /**
   * Opens a repository for WAL work only ({@link #wal}, manifests, locks) without loading the chunk
   * index: {@code restore_command} runs once per WAL file and must start fast. Operations that need
   * the index ({@link #newBackup}, {@link #openChunkReader}, {@link #verifyPack}, GC) load it on
   * first use.
   */
  public static Repository openForWal(ObjectStore store, OpenOptions open) {
    ConfigJson.Stored stored = readConfig(store);
    RepositoryKeys keys = RepositoryKeys.resolve(stored, open.passphrase(), store.describe());
    Repository repo = new Repository(store, stored.config(), keys, open);
    repo.indexLoaded = false;
    return repo;
  }

  /**
   * The repository's {@code config}, read and checked (format version, rules); needs no key.
   *
   * @throws HardstorageException {@code repo.not_found}, {@code repo.format_too_new}, {@code
   *     repo.config_invalid}
   */
  static ConfigJson.Stored readConfig(ObjectStore store) {
    String where = store.describe();
    byte[] json;
    try {
      json = store.get(CONFIG);
    } catch (ObjectNotFoundException e) {
      throw RepositoryErrors.notFound(where);
    }
    return ConfigJson.read(json, where);
  }

  /** Loads the chunk index if {@link #openForWal} skipped it. */
  private synchronized void requireIndex() {
    if (!indexLoaded) {
      ctx.indexes().loadNew();
      indexLoaded = true;
    }
  }

  /** The repository's public configuration. */
  public RepositoryConfig config() {
    return ctx.config();
  }

  /** The local directory of a repository on a local file system (see the storage SPI). */
  public Optional<java.nio.file.Path> localDirectory() {
    return ctx.store().localDirectory();
  }

  /** The store's description (no credentials). */
  public String describe() {
    return ctx.where();
  }

  /**
   * Starts a backup; takes a shared lock held until the writer commits or closes.
   *
   * @throws HardstorageException {@code repo.locked} if an exclusive lock is held, {@code
   *     repo.backup_exists} if the id is taken
   */
  public BackupWriter newBackup(Deployment deployment, BackupId backupId) {
    requireOpen();
    requireIndex();
    return new BackupWriter(ctx, deployment, backupId);
  }

  /** The key of a backup's manifest object, the backup's commit point; for naming it in reports. */
  public static ObjectKey manifestKey(Deployment deployment, BackupId backupId) {
    return BackupCatalog.manifestKey(deployment, backupId);
  }

  /** The key of a backup's copy of PostgreSQL's backup_manifest; for naming it in reports. */
  public static ObjectKey postgresManifestKey(Deployment deployment, BackupId backupId) {
    return BackupCatalog.postgresManifestKey(deployment, backupId);
  }

  /** Committed backups of a deployment, oldest first. */
  public List<BackupId> listBackups(Deployment deployment) {
    requireOpen();
    return catalog.list(deployment);
  }

  /**
   * Deployments with backups or WAL, sorted by name. Lists every object under {@code backups/} and
   * {@code wal/}, so its cost grows with the WAL archive.
   */
  public List<Deployment> listDeployments() {
    requireOpen();
    return catalog.deployments();
  }

  /**
   * A committed backup's manifest, or empty if there is no such backup.
   *
   * @throws RepositoryCorruptException if the manifest exists but is damaged
   */
  public Optional<BackupManifest> readManifest(Deployment deployment, BackupId backupId) {
    requireOpen();
    return catalog.read(deployment, backupId);
  }

  /**
   * Records the outcome of the backup's latest verification (JSON, sealed like every object), so
   * the repository itself answers "when was this backup last proven restorable?".
   */
  public void recordVerification(Deployment deployment, BackupId backupId, byte[] json) {
    requireOpen();
    catalog.writeVerification(deployment, backupId, json);
  }

  /** The backup's latest verification record, if it was ever verified. */
  public Optional<byte[]> readVerification(Deployment deployment, BackupId backupId) {
    requireOpen();
    return catalog.readVerification(deployment, backupId);
  }

  /** PostgreSQL's own backup_manifest of a backup, or empty if not stored. */
  public Optional<byte[]> readPostgresBackupManifest(Deployment deployment, BackupId backupId) {
    requireOpen();
    return catalog.readPostgresManifest(deployment, backupId);
  }

  /**
   * Deletes a backup's manifest objects (its data stays until GC). The caller holds a lock.
   *
   * @return whether the backup existed
   */
  public boolean deleteBackup(Deployment deployment, BackupId backupId) {
    requireOpen();
    return catalog.delete(deployment, backupId);
  }

  /** A reader of chunk content; thread-safe, no resources to close. */
  public ChunkReader openChunkReader() {
    requireOpen();
    requireIndex();
    return new ChunkReader(ctx);
  }

  /** Re-reads a whole pack and reports every problem, naming chunks where possible. */
  public PackVerification verifyPack(PackId pack) {
    requireOpen();
    requireIndex();
    return new PackVerifier(ctx).verify(pack);
  }

  /** Every pack in the store. */
  public List<PackId> listPacks() {
    requireOpen();
    return new GarbageFinder(ctx, catalog).listPacks();
  }

  /** The WAL archive of a deployment. */
  public WalArchive wal(Deployment deployment) {
    requireOpen();
    return new WalArchive(ctx, deployment);
  }

  /**
   * Takes a lock once. Once a shared or exclusive lock is held, the loaded chunk index (if any) is
   * brought up to date: reloaded if a garbage collection ran since it was loaded, so that nothing
   * this process does under the lock relies on a deleted pack (format spec §14.2). WAL-append locks
   * do not use the index.
   *
   * @throws HardstorageException {@code repo.locked} (CONFLICT) naming the conflicting holders
   */
  public RepositoryLock lock(LockKind kind, String purpose) {
    requireOpen();
    return refreshed(ctx.locks().acquire(kind, purpose));
  }

  /** Takes a lock, retrying with jittered back-off for up to {@code wait}; see {@link #lock}. */
  public RepositoryLock lock(LockKind kind, String purpose, Duration wait) {
    requireOpen();
    return refreshed(ctx.locks().acquire(kind, purpose, wait));
  }

  private RepositoryLock refreshed(RepositoryLock lock) {
    if (lock.kind() == LockKind.WAL_APPEND || !isIndexLoaded()) {
      return lock;
    }
    try {
      ctx.indexes().refresh();
      return lock;
    } catch (RuntimeException e) {
      try {
        lock.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private synchronized boolean isIndexLoaded() {
    return indexLoaded;
  }

  /** Every lock object, with staleness judged now. */
  public List<LockInfo> listLocks() {
    requireOpen();
    return ctx.locks().list();
  }

  /**
   * Deletes stale locks, once this host's clock agrees with the store's; see {@link
   * RepositoryLocks#removeStale}.
   *
   * @return the locks deleted
   */
  public List<LockInfo> removeStaleLocks() {
    requireOpen();
    return ctx.locks().removeStale();
  }

  /**
   * Index objects that could not be read when the index was loaded, each with what is wrong. The
   * chunks they list are still found, through the trailers of the packs no intact index file lists,
   * but garbage collection refuses to run until {@link #rebuildIndex} has replaced them.
   */
  public List<DamagedObject> damagedIndexFiles() {
    requireOpen();
    requireIndex();
    List<DamagedObject> out = new ArrayList<>();
    ctx.indexes()
        .damaged()
        .forEach((name, why) -> out.add(new DamagedObject(IndexStore.PREFIX + name, why)));
    return out;
  }

  /**
   * Rebuilds the index from the packs (format spec §14.1): reads every pack's footer and trailer
   * under a shared lock and writes new index files for the packs no intact index file lists; then,
   * if index objects are damaged, deletes them under an exclusive lock. Crash-safe and idempotent.
   * Afterwards this instance's index is reloaded.
   *
   * @throws HardstorageException {@code repo.locked} (CONFLICT) if a conflicting lock is held,
   *     {@code repo.lock_lost} if a lock is lost midway (which stops it safely)
   */
  public IndexRebuild rebuildIndex() {
    requireOpen();
    requireIndex();
    return new IndexRebuilder(ctx).rebuild();
  }

  /** Loads index files written since open (by other processes); returns how many. */
  public int refreshIndex() {
    requireOpen();
    return ctx.indexes().loadNew();
  }

  /** Packs holding a chunk referenced by any committed backup. */
  public Set<PackId> referencedPacks() {
    requireOpen();
    requireIndex();
    return new GarbageFinder(ctx, catalog).find().referencedPacks();
  }

  /**
   * What GC could delete. Only meaningful while no backup runs, hence the exclusive lock.
   *
   * @throws IllegalArgumentException if {@code exclusive} is not a held exclusive lock
   */
  public GarbageReport findGarbage(RepositoryLock exclusive) {
    requireOpen();
    requireIndex();
    if (exclusive.kind() != LockKind.EXCLUSIVE) {
      throw new IllegalArgumentException(
          "finding garbage needs an exclusive lock, got " + exclusive.kind());
    }
    exclusive.checkHeld();
    return new GarbageFinder(ctx, catalog).find();
  }

  /**
   * What {@link #findGarbage} would report once {@code deleted} backups of {@code deployment} are
   * gone, without deleting anything and without a lock: a preview. Packs of backups running right
   * now look unreferenced too, so only a report made under the exclusive lock is exact.
   */
  public GarbageReport previewGarbage(Deployment deployment, Set<BackupId> deleted) {
    requireOpen();
    requireIndex();
    return new GarbageFinder(ctx, catalog).find(Map.of(deployment, Set.copyOf(deleted)));
  }

  /**
   * Collects garbage: deletes every unreferenced pack, rewriting the index files that name them
   * first, and {@code backup_manifest} objects of backups that never committed (format spec §14.2).
   * Safe to stop at any point: every committed backup stays restorable, and the next run finishes
   * the job. Afterwards this instance's chunk index is reloaded.
   *
   * @throws IllegalArgumentException if {@code exclusive} is not an exclusive lock
   * @throws HardstorageException {@code repo.lock_lost} if the lock was lost (checked before each
   *     batch of deletions), {@code repo.gc_unsafe} (VERIFY_FAILED) if a referenced chunk has no
   *     index entry or an index object is damaged, in which case nothing is deleted
   */
  public GarbageCollection collectGarbage(RepositoryLock exclusive) {
    requireOpen();
    requireIndex();
    if (exclusive.kind() != LockKind.EXCLUSIVE) {
      throw new IllegalArgumentException(
          "collecting garbage needs an exclusive lock, got " + exclusive.kind());
    }
    return new GarbageCollector(ctx, catalog).collect(exclusive);
  }

  /** Releases locks still held and this instance's threads and native buffers. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      ctx.locks().close();
    } finally {
      ctx.zstd().close();
      ctx.walZstd().close();
    }
  }

  /** The shared parts, for tests in this package. */
  RepoContext context() {
    return ctx;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("repository " + ctx.where() + " is closed");
    }
  }

  private static RepositoryConfig config(
      RepositoryOptions options, String repositoryId, OpenOptions open) {
    try {
      return new RepositoryConfig(
          RepositoryConfig.FORMAT,
          repositoryId,
          open.clock().instant().truncatedTo(ChronoUnit.MILLIS),
          options.chunker(),
          options.compressionLevel(),
          options.walCompressionLevel(),
          options.packTargetSize(),
          options.passphrase().isPresent()
              ? org.pghardstorage.core.crypto.EncryptionMode.AES_256_GCM
              : org.pghardstorage.core.crypto.EncryptionMode.NONE);
    } catch (IllegalArgumentException e) {
      throw new HardstorageException(
          "repo.invalid_options",
          ExitCode.USAGE,
          "invalid repository options: " + e.getMessage(),
          null,
          e);
    }
  }
}
