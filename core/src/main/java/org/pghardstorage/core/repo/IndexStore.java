package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * (format spec §14.2). Thread-safe.
 */
final class IndexStore {
  static final String PREFIX = "index/";

  /** Index files are named by their own hash, so their frames bind to this fixed string. */
  static final String BINDING = "index";

  /** How often one load re-lists {@code index/} when files vanish under it before giving up. */
  private static final int MAX_RELISTS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(IndexStore.class);

  private final ObjectStore store;
  private final SealedObjectCodec codec;
  private final ChunkIndex index;
  private final Map<String, List<PackId>> loaded = new LinkedHashMap<>();
  private final Map<PackId, List<PackEntry>> pending = new LinkedHashMap<>();

  IndexStore(ObjectStore store, SealedObjectCodec codec, ChunkIndex index) {
    this.store = store;
    this.codec = codec;
    this.index = index;
  }

  /**
   * Loads every index file not loaded yet, in key order. A file that vanishes between the listing
   * and its read was replaced by GC, which writes the replacement before deleting the original, so
   * the listing is simply repeated.
   *
   * @return how many files were loaded
   * @throws RepositoryCorruptException naming a damaged index file
   */
  synchronized int loadNew() {
    return loadInto(index, loaded);
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
    boolean collected =
        !present.containsAll(loaded.keySet())
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
    loadInto(fresh, freshLoaded);
    pending.keySet().removeIf(p -> store.stat(p.key()).isEmpty());
    pending.forEach(fresh::addPack);
    index.replaceWith(fresh);
    loaded.clear();
    loaded.putAll(freshLoaded);
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
    store.putIfAbsent(ObjectKey.of(PREFIX + name), stored);
    loaded.put(name, List.copyOf(packs.keySet()));
    return name;
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

  /** Deletes one index file. Only GC calls this, under an exclusive lock. Idempotent. */
  synchronized void delete(String name) {
    store.delete(ObjectKey.of(PREFIX + name));
  }

  /** Index file name → the packs it lists, for every file loaded or written. */
  synchronized Map<String, List<PackId>> files() {
    return new LinkedHashMap<>(loaded);
  }

  private int loadInto(ChunkIndex target, Map<String, List<PackId>> names) {
    int count = 0;
    for (int round = 1; ; round++) {
      try {
        for (ObjectInfo info : store.list(PREFIX)) {
          String name = info.key().name();
          if (names.containsKey(name)) {
            continue;
          }
          if (!PackId.isValid(name)) {
            LOG.warn("ignoring '{}': not an index file name", info.key());
            continue;
          }
          names.put(name, addAll(target, read(name)));
          count++;
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
