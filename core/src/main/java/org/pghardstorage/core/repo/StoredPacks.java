package org.pghardstorage.core.repo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * The packs in a store. Packs are self-describing (format spec §8): their entries can be read from
 * the pack alone, with two range reads, one for the 16-byte footer and one for the sealed trailer
 * it locates. Index rebuilds and lookups that no intact index file answers read them here.
 */
final class StoredPacks {
  private StoredPacks() {}

  /** Every pack in {@code data/} with its stored size, in key order; other objects are skipped. */
  static Map<PackId, Long> list(ObjectStore store) {
    Map<PackId, Long> out = new LinkedHashMap<>();
    for (ObjectInfo info : store.list("data/")) {
      String name = info.key().name();
      if (PackId.isValid(name)
          && info.key().value().equals("data/" + name.substring(0, 2) + "/" + name)) {
        out.put(PackId.parse(name), info.size());
      }
    }
    return out;
  }

  /**
   * The entries of one pack, from its footer and sealed trailer. The trailer length is a clear
   * field, so it is checked against the pack's size (as listed) before it is read.
   *
   * @param size the pack's size in bytes, as the store listed it
   * @throws RepositoryCorruptException naming the pack if the footer or trailer is damaged
   * @throws ObjectNotFoundException if the pack is gone
   */
  static List<PackEntry> readEntries(ObjectStore store, BlobCipher cipher, PackId pack, long size) {
    String where = pack.key().value();
    if (size < PackFormat.FOOTER) {
      throw new RepositoryCorruptException(
          where,
          "the pack has " + size + " bytes, fewer than its " + PackFormat.FOOTER + "-byte footer",
          null);
    }
    try {
      byte[] footer = store.getRange(pack.key(), size - PackFormat.FOOTER, PackFormat.FOOTER);
      int length = PackFormat.trailerLength(footer, size, cipher);
      long offset = size - PackFormat.FOOTER - length;
      byte[] trailer = store.getRange(pack.key(), offset, length);
      return PackFormat.trailerEntries(trailer, 0, length, offset, cipher);
    } catch (DecodeException e) {
      throw e.corrupt(where, "");
    }
  }
}
