package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index files (format spec §9): loads them into the {@link ChunkIndex}, and turns packs uploaded by
 * this process into new index files. A pack's entries become visible to deduplication as soon as
 * the pack is durable ({@link #addPending}); {@link #flush} makes them durable in an index file.
 * Every writer's commit flushes, so a manifest never references an entry that exists only in
 * memory. After garbage collection in any process, {@link #refresh} drops what was collected
 * (format spec §14.2).
 *
 * <p>A damaged index file does not stop loading (format spec §9.1): it is recorded ({@link
 * #damaged}) and logged, and the chunks it listed are found through {@link #findInTrailers}, which
 * reads the trailers of every pack no intact index file lists, once, on the first lookup that the
 * index cannot answer. Deduplication never uses those entries: the chunk index holds only what
 * intact index files (or this process's own uploads) list, so a manifest still references only
 * chunks in a durable index file (§11.1). Thread-safe.
 */
final class IndexStore {
  static final String PREFIX = "index/";

  /** Index files are named by their own hash, so their frames bind to this fixed string. */
  static final String BINDING = "index";

  /** How often one load re-lists {@code index/} when files vanish under it before giving up. */
  private static final int MAX_RELISTS = 10;

  /** Entries per index file written by {@link #writeBatched} (≈ 3 MiB of plaintext). */
  static final int ENTRIES_PER_FILE = 65_536;

  private static final Logger LOG = LoggerFactory.getLogger(IndexStore.class);

  private final ObjectStore store;
  private final SealedObjectCodec codec;
  private final BlobCipher cipher;
  private final ChunkIndex index;
  private final Map<String, List<PackId>> loaded = new LinkedHashMap<>();
  private final Map<String, String> damaged = new TreeMap<>();
  private final Map<PackId, List<PackEntry>> pending = new LinkedHashMap<>();

  /** Entries of the packs no loaded index file lists, from their trailers; null until needed. */
  private volatile ChunkIndex fromTrailers;

  IndexStore(ObjectStore store, SealedObjectCodec codec, BlobCipher cipher, ChunkIndex index) {
    this.store = store;
    this.codec = codec;
    this.cipher = cipher;
    this.index = index;
  }

  /**
   * Loads every index file not loaded yet, in key order. A file that vanishes between the listing
   * and its read was replaced by GC, which writes the replacement before deleting the original, so
   * the listing is simply repeated.
   *
   * @return how many files were loaded; damaged ones are recorded in {@link #damaged} instead
   */
  synchronized int loadNew() {
    return loadInto(index, loaded, damaged);
  }

  /**
   * Brings the in-memory index up to date once a lock is held: if GC ran since files were loaded (a
   * loaded index file is gone, or a pending pack was deleted), everything is reloaded, dropping
   * entries of collected packs; otherwise new files are loaded. Without this, a process that loaded
   * the index before a GC could deduplicate a new backup against a deleted pack.
   *
   * @return whether the index was reloaded from scratch
   */
  synchronized boolean refresh() {
    Set<String> present = new HashSet<>();
    for (ObjectInfo info : store.list(PREFIX)) {
      present.add(info.key().name());
    }
    // A damaged file that is gone was removed by an index rebuild, which indexed its packs anew.
    boolean collected =
        !present.containsAll(loaded.keySet())
            || !present.containsAll(damaged.keySet())
            || pending.keySet().stream().anyMatch(p -> store.stat(p.key()).isEmpty());
    if (collected) {
      reload();
    } else {
      loadNew();
    }
    return collected;
  }

  /**
   * Reloads every index file into a fresh index and swaps it in atomically. Pending packs that
   * still exist stay pending and indexed; pending packs that were deleted (an aborted backup's,
   * collected by another process) are forgotten.
   */
  synchronized void reload() {
    ChunkIndex fresh = new ChunkIndex();
    Map<String, List<PackId>> freshLoaded = new LinkedHashMap<>();
    Map<String, String> freshDamaged = new TreeMap<>();
    loadInto(fresh, freshLoaded, freshDamaged);
    pending.keySet().removeIf(p -> store.stat(p.key()).isEmpty());
    pending.forEach(fresh::addPack);
    index.replaceWith(fresh);
    loaded.clear();
    loaded.putAll(freshLoaded);
    damaged.clear();
    damaged.putAll(freshDamaged);
    fromTrailers = null;
  }

  /** Records a durable pack: its chunks become visible to lookups and wait for {@link #flush}. */
  synchronized void addPending(PackId pack, List<PackEntry> entries) {
    pending.put(pack, entries);
    index.addPack(pack, entries);
  }

  synchronized int pendingPacks() {
    return pending.size();
  }

  /** Writes every pending pack into one new index file ({@code putIfAbsent}); no-op if none. */
  synchronized void flush() {
    if (pending.isEmpty()) {
      return;
    }
    write(pending);
    pending.clear();
  }

  /**
   * Writes one index file listing {@code packs} ({@code putIfAbsent}; every pack must be durable)
   * and records it as loaded.
   *
   * @return the file's name
   */
  synchronized String write(Map<PackId, List<PackEntry>> packs) {
    byte[] stored = codec.encode(ObjectType.INDEX, BINDING, IndexFileCodec.encode(packs));
    String name = HexFormat.of().formatHex(PackId.sha256(stored));
    ObjectKey key = ObjectKey.of(PREFIX + name);
    if (!store.putIfAbsent(key, stored) && !holds(key, stored)) {
      // The name is the content's hash, so these bytes are the only right ones under it: the
      // object there is damaged (an index rebuild writes the same file again) and is replaced.
      store.put(key, stored);
      damaged.remove(name);
      LOG.info("replaced damaged index file {} with its rebuilt content", key);
    }
    loaded.put(name, List.copyOf(packs.keySet()));
    return name;
  }

  private boolean holds(ObjectKey key, byte[] bytes) {
    try {
      return java.util.Arrays.equals(store.get(key), bytes);
    } catch (ObjectNotFoundException gone) {
      return false;
    }
  }

  /**
   * Reads one index file's packs and all their entries (not only the entries that win lookups).
   *
   * @throws ObjectNotFoundException if it does not exist
   * @throws RepositoryCorruptException if it is damaged
   */
  Map<PackId, List<PackEntry>> read(String name) {
    ObjectKey key = ObjectKey.of(PREFIX + name);
    byte[] stored = store.get(key);
    String actual = HexFormat.of().formatHex(PackId.sha256(stored));
    if (!actual.equals(key.name())) {
      throw new RepositoryCorruptException(
          key.value(), "its SHA-256 is " + actual + ", not its name", null);
    }
    try {
      return IndexFileCodec.decode(codec.decode(ObjectType.INDEX, BINDING, stored));
    } catch (DecodeException e) {
      throw e.corrupt(key.value(), "");
    }
  }

  /**
   * Writes index files listing {@code packs}, at most {@link #ENTRIES_PER_FILE} entries each,
   * checking before each that {@code lock} is still held (every pack must be durable, and the lock
   * must exclude GC so that none is deleted meanwhile).
   *
   * @return the names written, in order
   */
  synchronized List<String> writeBatched(Map<PackId, List<PackEntry>> packs, RepositoryLock lock) {
    List<String> written = new ArrayList<>();
    Map<PackId, List<PackEntry>> batch = new LinkedHashMap<>();
    int entries = 0;
    for (Map.Entry<PackId, List<PackEntry>> pack : packs.entrySet()) {
      batch.put(pack.getKey(), pack.getValue());
      entries += pack.getValue().size();
      if (entries >= ENTRIES_PER_FILE) {
        lock.checkHeld();
        written.add(write(batch));
        batch.clear();
        entries = 0;
      }
    }
    if (!batch.isEmpty()) {
      lock.checkHeld();
      written.add(write(batch));
    }
    return written;
  }

  /**
   * Deletes one index file. Only GC and the index rebuild call this, under an exclusive lock.
   * Idempotent.
   */
  synchronized void delete(String name) {
    store.delete(ObjectKey.of(PREFIX + name));
  }

  /** Index file name → the packs it lists, for every intact file loaded or written. */
  synchronized Map<String, List<PackId>> files() {
    return new LinkedHashMap<>(loaded);
  }

  /** Every pack some intact, loaded index file lists. */
  synchronized Set<PackId> coveredPacks() {
    Set<PackId> out = new HashSet<>();
    loaded.values().forEach(out::addAll);
    return out;
  }

  /** Damaged index file name → what is wrong with it, for every one met while loading. */
  synchronized Map<String, String> damaged() {
    return new TreeMap<>(damaged);
  }

  /**
   * Where {@code id} is stored according to the trailer of a pack no intact index file lists. The
   * first call reads the trailers of all such packs (two range reads each) and keeps them until the
   * loaded index files change; a pack whose trailer is damaged is logged and skipped. Only readers
   * call this, for chunks the index does not know: it is how a backup stays restorable while an
   * index file is damaged or lost.
   */
  Optional<ChunkLocation> findInTrailers(ChunkId id) {
    ChunkIndex found = fromTrailers;
    if (found == null) {
      found = scanTrailers();
    }
    return found.find(id);
  }

  private synchronized ChunkIndex scanTrailers() {
    if (fromTrailers != null) {
      return fromTrailers;
    }
    Set<PackId> covered = coveredPacks();
    covered.addAll(pending.keySet());
    ChunkIndex found = new ChunkIndex();
    int packs = 0;
    for (Map.Entry<PackId, Long> pack : StoredPacks.list(store).entrySet()) {
      if (covered.contains(pack.getKey())) {
        continue;
      }
      try {
        found.addPack(
            pack.getKey(), StoredPacks.readEntries(store, cipher, pack.getKey(), pack.getValue()));
        packs++;
      } catch (RepositoryCorruptException e) {
        LOG.warn("pack trailer unreadable, its chunks cannot be found: {}", e.getMessage());
      } catch (ObjectNotFoundException e) {
        LOG.debug("pack {} vanished while reading trailers: {}", pack.getKey(), e.getMessage());
      }
    }
    LOG.info(
        "read the trailers of {} pack(s) that no intact index file lists: {} chunk(s)",
        packs,
        found.size());
    fromTrailers = found;
    return found;
  }

  private int loadInto(
      ChunkIndex target, Map<String, List<PackId>> names, Map<String, String> broken) {
    int count = 0;
    for (int round = 1; ; round++) {
      try {
        for (ObjectInfo info : store.list(PREFIX)) {
          String name = info.key().name();
          if (names.containsKey(name) || broken.containsKey(name)) {
            continue;
          }
          if (!PackId.isValid(name)) {
            LOG.warn("ignoring '{}': not an index file name", info.key());
            continue;
          }
          Map<PackId, List<PackEntry>> packs;
          try {
            packs = read(name);
          } catch (RepositoryCorruptException e) {
            broken.put(name, e.getMessage());
            LOG.warn(
                "index file {} is damaged and was skipped; the chunks it lists are looked up in"
                    + " pack trailers, and garbage collection refuses to run until 'pg_hardstorage"
                    + " repo index rebuild' replaces it: {}",
                info.key(),
                e.getMessage());
            continue;
          }
          names.put(name, addAll(target, packs));
          count++;
        }
        if (count > 0) {
          fromTrailers = null;
        }
        return count;
      } catch (ObjectNotFoundException e) {
        if (round == MAX_RELISTS) {
          throw e;
        }
        LOG.debug("an index file vanished while loading ({}); listing again", e.getMessage());
      }
    }
  }

  private static List<PackId> addAll(ChunkIndex target, Map<PackId, List<PackEntry>> packs) {
    List<PackId> ids = new ArrayList<>(packs.size());
    for (Map.Entry<PackId, List<PackEntry>> pack : packs.entrySet()) {
      target.addPack(pack.getKey(), pack.getValue());
      ids.add(pack.getKey());
    }
    return ids;
  }
}
