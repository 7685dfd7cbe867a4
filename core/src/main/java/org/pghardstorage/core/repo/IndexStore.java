package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index files (format spec §9): loads them into the {@link ChunkIndex}, and turns packs uploaded by
 * this process into new index files. A pack's entries become visible to deduplication as soon as
 * the pack is durable ({@link #addPending}); {@link #flush} makes them durable in an index file.
 * Every writer's commit flushes, so a manifest never references an entry that exists only in
 * memory. Thread-safe.
 */
final class IndexStore {
  static final String PREFIX = "index/";

  /** Index files are named by their own hash, so their frames bind to this fixed string. */
  static final String BINDING = "index";

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
   * Loads every index file not loaded yet, in key order.
   *
   * @return how many files were loaded
   * @throws RepositoryCorruptException naming a damaged index file
   */
  synchronized int loadNew() {
    int count = 0;
    for (ObjectInfo info : store.list(PREFIX)) {
      String name = info.key().name();
      if (loaded.containsKey(name)) {
        continue;
      }
      if (!PackId.isValid(name)) {
        LOG.warn("ignoring '{}': not an index file name", info.key());
        continue;
      }
      loaded.put(name, load(info.key()));
      count++;
    }
    return count;
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
    byte[] stored = codec.encode(ObjectType.INDEX, BINDING, IndexFileCodec.encode(pending));
    String name = HexFormat.of().formatHex(PackId.sha256(stored));
    store.putIfAbsent(ObjectKey.of(PREFIX + name), stored);
    loaded.put(name, List.copyOf(pending.keySet()));
    pending.clear();
  }

  /** Index file name → the packs it lists, for every file loaded or written. */
  synchronized Map<String, List<PackId>> files() {
    return new LinkedHashMap<>(loaded);
  }

  private List<PackId> load(ObjectKey key) {
    byte[] stored = store.get(key);
    String actual = HexFormat.of().formatHex(PackId.sha256(stored));
    if (!actual.equals(key.name())) {
      throw new RepositoryCorruptException(
          key.value(), "its SHA-256 is " + actual + ", not its name", null);
    }
    Map<PackId, List<PackEntry>> packs;
    try {
      packs = IndexFileCodec.decode(codec.decode(ObjectType.INDEX, BINDING, stored));
    } catch (DecodeException e) {
      throw e.corrupt(key.value(), "");
    }
    List<PackId> ids = new ArrayList<>(packs.size());
    for (Map.Entry<PackId, List<PackEntry>> pack : packs.entrySet()) {
      index.addPack(pack.getKey(), pack.getValue());
      ids.add(pack.getKey());
    }
    return ids;
  }
}
