package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.RangeOutsideObjectException;

/**
 * Reads chunks back: looks the chunk up in the index, range-reads its blob from the pack, opens and
 * decompresses it, and re-computes the keyed id. Anything wrong is a {@link
 * RepositoryCorruptException} naming the chunk and pack. A chunk the index does not know (its index
 * file is damaged or lost) is looked up in the trailers of the packs no intact index file lists
 * (format spec §9.1); what is read through such an entry is checked exactly like the rest.
 * Thread-safe: restore may read in parallel from many threads.
 */
public final class ChunkReader {
  /** Blobs of one pack closer than this are fetched in one range request. */
  static final int MAX_GAP = 1 << 20;

  /** Upper bound of one coalesced range request. */
  static final int MAX_SPAN = 32 << 20;

  private final RepoContext ctx;

  ChunkReader(RepoContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Where a chunk is stored, if the index or, failing that, a pack trailer knows it (for planning
   * reads by pack).
   */
  public Optional<ChunkLocation> locate(ChunkId id) {
    Optional<ChunkLocation> indexed = ctx.index().find(id);
    return indexed.isPresent() ? indexed : ctx.indexes().findInTrailers(id);
  }

  /**
   * The bytes one reference contributes (the chunk's plaintext, or the slice of it), checked
   * against the reference's ids and length.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code repo.chunk_missing} if no
   *     index entry or pack trailer names it, {@code repo.corrupt} if its blob is missing or
   *     damaged
   */
  public byte[] read(ChunkRef ref) {
    ChunkLocation loc = require(ref.id());
    byte[] blob = fetch(ref.id(), loc, loc.offset(), loc.length());
    return decode(ref, loc, blob, 0);
  }

  /**
   * What several references contribute, in the order given (repeats allowed). Chunks of one pack
   * that lie close together are fetched with a single range request, so a restore that groups its
   * reads by pack (see {@link #locate}) makes few requests.
   */
  public List<byte[]> readAll(List<ChunkRef> refs) {
    Map<PackId, List<Integer>> byPack = new LinkedHashMap<>();
    List<ChunkLocation> locs = new ArrayList<>(refs.size());
    for (int i = 0; i < refs.size(); i++) {
      ChunkLocation loc = require(refs.get(i).id());
      locs.add(loc);
      byPack.computeIfAbsent(loc.pack(), p -> new ArrayList<>()).add(i);
    }
    byte[][] out = new byte[refs.size()][];
    for (List<Integer> members : byPack.values()) {
      members.sort(Comparator.comparingLong(i -> locs.get(i).offset()));
      readRuns(refs, locs, members, out);
    }
    return List.of(out);
  }

  private void readRuns(
      List<ChunkRef> refs, List<ChunkLocation> locs, List<Integer> sorted, byte[][] out) {
    int start = 0;
    while (start < sorted.size()) {
      ChunkLocation first = locs.get(sorted.get(start));
      long end = first.offset() + first.length();
      int stop = start + 1;
      while (stop < sorted.size()) {
        ChunkLocation next = locs.get(sorted.get(stop));
        long nextEnd = Math.max(end, next.offset() + next.length());
        if (next.offset() - end > MAX_GAP || nextEnd - first.offset() > MAX_SPAN) {
          break;
        }
        end = nextEnd;
        stop++;
      }
      ChunkRef firstRef = refs.get(sorted.get(start));
      byte[] range = fetch(firstRef.id(), first, first.offset(), (int) (end - first.offset()));
      // Slices of one chunk (a patch chunk holds the changed pages of many ranges) sort next to
      // each other: open and decompress the chunk once for all of them.
      ChunkId lastId = null;
      byte[] lastRaw = null;
      for (int k = start; k < stop; k++) {
        int i = sorted.get(k);
        ChunkLocation loc = locs.get(i);
        ChunkRef ref = refs.get(i);
        if (!ref.id().equals(lastId)) {
          lastRaw = open(ref, loc, range, (int) (loc.offset() - first.offset()));
          lastId = ref.id();
        }
        out[i] = contribution(ref, loc, lastRaw);
      }
      start = stop;
    }
  }

  private ChunkLocation require(ChunkId id) {
    return locate(id).orElseThrow(() -> RepositoryErrors.chunkMissing(id.hex()));
  }

  private byte[] fetch(ChunkId id, ChunkLocation loc, long offset, int length) {
    try {
      return ctx.store().getRange(loc.pack().key(), offset, length);
    } catch (ObjectNotFoundException e) {
      throw new RepositoryCorruptException(
          loc.pack().key().value(), "the pack holding chunk " + id + " is missing", e);
    } catch (RangeOutsideObjectException e) {
      throw new RepositoryCorruptException(
          loc.pack().key().value(),
          "the pack holding chunk "
              + id
              + " has "
              + e.size()
              + " bytes, but the index places the chunk at ["
              + offset
              + ", "
              + (offset + length)
              + ") (truncated?)",
          e);
    }
  }

  private byte[] decode(ChunkRef ref, ChunkLocation loc, byte[] buf, int off) {
    return contribution(ref, loc, open(ref, loc, buf, off));
  }

  /** The chunk's plaintext, checked against the index, the reference and the chunk id. */
  private byte[] open(ChunkRef ref, ChunkLocation loc, byte[] buf, int off) {
    String where = loc.pack().key().value();
    byte[] raw;
    try {
      raw = ctx.blobs().decode(buf, off, loc.length(), Aad.chunk(ref.id()));
    } catch (DecodeException e) {
      throw e.corrupt(where, "chunk " + ref.id() + " at offset " + loc.offset() + ": ");
    }
    if (raw.length != ref.rawLength() || raw.length != loc.rawLength()) {
      throw new RepositoryCorruptException(
          where,
          "chunk "
              + ref.id()
              + " has "
              + raw.length
              + " bytes; the manifest says "
              + ref.rawLength()
              + " and the index "
              + loc.rawLength(),
          null);
    }
    if (!ctx.keys().hasher().matches(ref.id(), raw)) {
      throw new RepositoryCorruptException(
          where, "chunk " + ref.id() + " decodes to content with a different id", null);
    }
    return raw;
  }

  /** The whole chunk, or the slice of it the reference names, checked against the slice's id. */
  private byte[] contribution(ChunkRef ref, ChunkLocation loc, byte[] raw) {
    if (ref.slice() == null) {
      return raw;
    }
    ChunkRef.Slice s = ref.slice();
    byte[] part = Arrays.copyOfRange(raw, s.offset(), s.offset() + s.length());
    if (!ctx.keys().hasher().matches(s.id(), part)) {
      throw new RepositoryCorruptException(
          loc.pack().key().value(),
          "chunk "
              + ref.id()
              + " is intact, but its bytes ["
              + s.offset()
              + ", "
              + (s.offset() + s.length())
              + ") do not have the slice id "
              + s.id()
              + " that the manifest records",
          null);
    }
    return part;
  }
}
