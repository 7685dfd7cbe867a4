package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.storage.ObjectNotFoundException;

/**
 * Re-reads a whole pack and checks everything: its hash, its trailer, every blob (open, decompress,
 * length, keyed id), and agreement with the index. When the trailer is unreadable the blobs the
 * index places in the pack are still checked one by one, so damage is pinned to chunks.
 */
final class PackVerifier {
  private final RepoContext ctx;

  PackVerifier(RepoContext ctx) {
    this.ctx = ctx;
  }

  PackVerification verify(PackId pack) {
    List<PackProblem> problems = new ArrayList<>();
    byte[] bytes;
    try {
      bytes = ctx.store().get(pack.key());
    } catch (ObjectNotFoundException e) {
      problems.add(problem(PackProblem.Kind.MISSING, pack, null, "no object at " + pack.key()));
      return new PackVerification(pack, 0, problems);
    }
    String actual = HexFormat.of().formatHex(PackId.sha256(bytes));
    if (!actual.equals(pack.hex())) {
      problems.add(problem(PackProblem.Kind.HASH_MISMATCH, pack, null, "SHA-256 is " + actual));
    }
    List<PackEntry> indexed = ctx.index().entriesOf(pack);
    List<PackEntry> listed;
    try {
      listed = PackFormat.entries(bytes, ctx.keys().cipher());
    } catch (DecodeException e) {
      problems.add(problem(PackProblem.Kind.TRAILER_UNREADABLE, pack, null, e.getMessage()));
      listed = indexed;
    }
    int checked = 0;
    for (PackEntry entry : listed) {
      checkBlob(pack, bytes, entry).ifPresent(problems::add);
      checked++;
    }
    compareWithIndex(pack, listed, indexed, problems);
    return new PackVerification(pack, checked, problems);
  }

  private Optional<PackProblem> checkBlob(PackId pack, byte[] bytes, PackEntry e) {
    if (e.offset() + e.length() > bytes.length) {
      return Optional.of(
          problem(PackProblem.Kind.BLOB_UNREADABLE, pack, e.id(), "blob runs past the pack's end"));
    }
    byte[] raw;
    try {
      raw = ctx.blobs().decode(bytes, (int) e.offset(), e.length(), Aad.chunk(e.id()));
    } catch (DecodeException ex) {
      return Optional.of(
          problem(
              PackProblem.Kind.BLOB_UNREADABLE,
              pack,
              e.id(),
              "at offset " + e.offset() + ": " + ex.getMessage()));
    }
    if (raw.length != e.rawLength()) {
      return Optional.of(
          problem(
              PackProblem.Kind.LENGTH_MISMATCH,
              pack,
              e.id(),
              "decodes to " + raw.length + " bytes, recorded " + e.rawLength()));
    }
    if (!ctx.keys().hasher().matches(e.id(), raw)) {
      return Optional.of(
          problem(PackProblem.Kind.ID_MISMATCH, pack, e.id(), "content does not hash to the id"));
    }
    return Optional.empty();
  }

  private void compareWithIndex(
      PackId pack, List<PackEntry> listed, List<PackEntry> indexed, List<PackProblem> problems) {
    Map<ChunkId, PackEntry> inTrailer = new HashMap<>();
    listed.forEach(e -> inTrailer.put(e.id(), e));
    for (PackEntry i : indexed) {
      PackEntry t = inTrailer.get(i.id());
      if (t == null) {
        problems.add(
            problem(PackProblem.Kind.NOT_IN_PACK, pack, i.id(), "indexed here, not listed"));
      } else if (!t.equals(i)) {
        problems.add(
            problem(
                PackProblem.Kind.INDEX_MISMATCH, pack, i.id(), "trailer " + t + ", index " + i));
      }
    }
    for (PackEntry t : listed) {
      if (!ctx.index().contains(t.id())) {
        problems.add(problem(PackProblem.Kind.UNINDEXED, pack, t.id(), "in no index file"));
      }
    }
  }

  private static PackProblem problem(
      PackProblem.Kind kind, PackId pack, ChunkId chunk, String detail) {
    return new PackProblem(kind, pack, Optional.ofNullable(chunk), detail);
  }
}
