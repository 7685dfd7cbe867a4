package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.pghardstorage.core.chunk.ChunkId;

/**
 * The in-memory chunk index: chunk id → (pack, offset, length, raw length). Millions of entries, so
 * it keeps flat primitive arrays and an open-addressing table of entry numbers instead of one
 * object per chunk: ≈ 55 bytes per chunk. The first entry for an id wins (format spec §9).
 * Thread-safe: many readers, one writer at a time.
 */
final class ChunkIndex {
  private static final int ID = ChunkId.LENGTH;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final List<PackId> packs = new ArrayList<>();
  private final Map<PackId, Integer> packNumbers = new HashMap<>();

  private byte[] ids = new byte[ID * 1024];
  private int[] packNo = new int[1024];
  private int[] offsets = new int[1024];
  private int[] lengths = new int[1024];
  private int[] rawLengths = new int[1024];
  private int size;

  /** Entry number + 1 per slot, 0 = empty; length a power of two, at most 2/3 full. */
  private int[] table = new int[2048];

  /**
   * Adds the entries of one pack; ids already present keep their first location.
   *
   * @return how many entries were new
   */
  int addPack(PackId pack, List<PackEntry> entries) {
    lock.writeLock().lock();
    try {
      Integer number = packNumbers.get(pack);
      if (number == null) {
        number = packs.size();
        packs.add(pack);
        packNumbers.put(pack, number);
      }
      int added = 0;
      byte[] id = new byte[ID];
      for (PackEntry e : entries) {
        if (e.offset() > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "chunk "
                  + e.id()
                  + " at offset "
                  + e.offset()
                  + " in pack "
                  + pack
                  + " is past 2 GiB");
        }
        e.id().copyTo(id, 0);
        int slot = find(id);
        if (table[slot] == 0) {
          append(id, number, (int) e.offset(), e.length(), e.rawLength());
          table[slot] = size;
          added++;
          if (size * 3L > table.length * 2L) {
            rehash();
          }
        }
      }
      return added;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Replaces this index's content with {@code fresh}'s, atomically for concurrent readers. {@code
   * fresh} must not be used afterwards: its arrays now belong to this index.
   */
  void replaceWith(ChunkIndex fresh) {
    fresh.lock.readLock().lock();
    lock.writeLock().lock();
    try {
      packs.clear();
      packs.addAll(fresh.packs);
      packNumbers.clear();
      packNumbers.putAll(fresh.packNumbers);
      ids = fresh.ids;
      packNo = fresh.packNo;
      offsets = fresh.offsets;
      lengths = fresh.lengths;
      rawLengths = fresh.rawLengths;
      size = fresh.size;
      table = fresh.table;
    } finally {
      lock.writeLock().unlock();
      fresh.lock.readLock().unlock();
    }
  }

  /** Where {@code id} is stored, if indexed. */
  Optional<ChunkLocation> find(ChunkId id) {
    byte[] bytes = id.bytes();
    lock.readLock().lock();
    try {
      int e = table[find(bytes)] - 1;
      return e < 0 ? Optional.empty() : Optional.of(location(e));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Whether {@code id} is indexed. */
  boolean contains(ChunkId id) {
    byte[] bytes = id.bytes();
    lock.readLock().lock();
    try {
      return table[find(bytes)] != 0;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of distinct chunks. */
  int size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Calls {@code consumer} with every chunk id and its location, under the read lock. */
  void forEach(BiConsumer<ChunkId, ChunkLocation> consumer) {
    lock.readLock().lock();
    try {
      for (int e = 0; e < size; e++) {
        consumer.accept(ChunkId.of(ids, e * ID), location(e));
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The winning entries located in {@code pack}, in entry order. */
  List<PackEntry> entriesOf(PackId pack) {
    lock.readLock().lock();
    try {
      Integer number = packNumbers.get(pack);
      List<PackEntry> out = new ArrayList<>();
      if (number == null) {
        return out;
      }
      for (int e = 0; e < size; e++) {
        if (packNo[e] == number) {
          out.add(new PackEntry(ChunkId.of(ids, e * ID), offsets[e], lengths[e], rawLengths[e]));
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Calls {@code consumer} with every pack that has at least one winning entry. */
  void forEachPack(Consumer<PackId> consumer) {
    lock.readLock().lock();
    try {
      boolean[] used = new boolean[packs.size()];
      for (int e = 0; e < size; e++) {
        used[packNo[e]] = true;
      }
      for (int p = 0; p < used.length; p++) {
        if (used[p]) {
          consumer.accept(packs.get(p));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private ChunkLocation location(int e) {
    return new ChunkLocation(packs.get(packNo[e]), offsets[e], lengths[e], rawLengths[e]);
  }

  /** The slot holding {@code id}, or the empty slot where it would go. */
  private int find(byte[] id) {
    int mask = table.length - 1;
    int slot = hash(id, 0) & mask;
    while (true) {
      int e = table[slot] - 1;
      if (e < 0 || Arrays.equals(ids, e * ID, e * ID + ID, id, 0, ID)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void append(byte[] id, int pack, int offset, int length, int rawLength) {
    if (size == packNo.length) {
      int capacity = size * 2;
      ids = Arrays.copyOf(ids, capacity * ID);
      packNo = Arrays.copyOf(packNo, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      rawLengths = Arrays.copyOf(rawLengths, capacity);
    }
    System.arraycopy(id, 0, ids, size * ID, ID);
    packNo[size] = pack;
    offsets[size] = offset;
    lengths[size] = length;
    rawLengths[size] = rawLength;
    size++;
  }

  private void rehash() {
    table = new int[table.length * 2];
    int mask = table.length - 1;
    for (int e = 0; e < size; e++) {
      int slot = hash(ids, e * ID) & mask;
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = e + 1;
    }
  }

  /** Ids are MAC outputs: their first four bytes are already uniformly distributed. */
  private static int hash(byte[] a, int i) {
    return (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | a[i + 3] & 0xff;
  }
}
