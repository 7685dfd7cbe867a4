package org.pghardstorage.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.pghardstorage.core.chunk.ChunkIdHasher;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.chunk.ChunkStream;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.chunk.PageRuns;
import org.pghardstorage.core.error.HardstorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one file into chunk refs for the {@link BackupWriter} (format spec §5.1): first at the
 * previous backup's boundaries for the same file, reusing every range whose bytes hash to the
 * recorded id; in a changed range, the pages that still equal the stored chunk become slices of it
 * and the changed pages go into a patch chunk shared by the file's changed ranges; a stretch whose
 * layout has grown fragmented is reused as it is while unchanged and, like everything past the
 * previous layout, cut by the content-defined chunker as if new once it changes.
 *
 * <p>Reading, the CRC32C and the patch run on the calling thread, in file order; hashing, diffing
 * and storing ranges run on the writer's encoder threads, at most {@code window} at a time, which
 * bounds memory to a few ranges per thread. One instance serves many files and threads; each {@link
 * #cut} call keeps its own state.
 */
final class FileCutter {
  private static final Logger LOG = LoggerFactory.getLogger(FileCutter.class);

  /**
   * Refs a group of about {@code avg_size} bytes of the previous layout may hold before its stretch
   * is cut anew at its next change: bounds the refs per byte, so manifests and restore reads stay
   * proportional to the data however many backups chip at a file. The price is rewriting: at a
   * change rate p per page and backup, a group of G pages gains about 2pG refs a backup and is
   * rewritten every K / 2pG backups, ≈ 2pG / K of the data a backup (spec §5.1): 16 per 32 pages
   * costs ≈ 4p and allows at most one ref per two pages.
   */
  static final int MAX_REFS_PER_GROUP = 16;

  private final RepoContext ctx;
  private final ExecutorService encoders;
  private final int window;
  private final Function<byte[], ChunkRef> store;
  private final ChunkReader reader;

  /**
   * The chunking buffer between files: one is enough for a caller cutting one file at a time (a
   * base backup's receiving thread), and a concurrent caller simply allocates its own.
   */
  private final AtomicReference<byte[]> spareBuffer = new AtomicReference<>();

  /**
   * @param store stores a chunk unless the repository holds it, and returns its whole ref
   */
  FileCutter(
      RepoContext ctx,
      ExecutorService encoders,
      int window,
      Function<byte[], ChunkRef> store,
      ChunkReader reader) {
    this.ctx = ctx;
    this.encoders = encoders;
    this.window = window;
    this.store = store;
    this.reader = reader;
  }

  /**
   * Reads {@code in} to its end and returns its refs, size and CRC32C.
   *
   * @param previous the file's layout in the previous backup; no refs to cut by content alone
   */
  FileRef cut(InputStream in, PreviousFiles.Layout previous) throws IOException {
    Cut cut = new Cut(in, previous);
    try {
      if (!cut.reuse(usableLayout(previous.refs()))) {
        cut.fresh();
      }
      cut.drain();
      cut.flushPatch();
    } finally {
      cut.cancel();
    }
    return new FileRef(cut.position, cut.refs, (int) cut.crc.getValue());
  }

  /**
   * The previous refs that end on a page boundary, up to the first that does not: an unaligned end
   * can only be the old end of file, and the chunker must resume on a page boundary.
   */
  static List<ChunkRef> usableLayout(List<ChunkRef> previous) {
    int n = 0;
    while (n < previous.size() && previous.get(n).length() % ChunkerParams.PAGE_SIZE == 0) {
      n++;
    }
    return previous.subList(0, n);
  }

  /** Consecutive refs of the layout, grouped until a group holds at least {@code bytes}. */
  static List<List<ChunkRef>> groups(List<ChunkRef> layout, int bytes) {
    List<List<ChunkRef>> out = new ArrayList<>();
    List<ChunkRef> current = new ArrayList<>();
    long sum = 0;
    for (ChunkRef ref : layout) {
      current.add(ref);
      sum += ref.length();
      if (sum >= bytes) {
        out.add(current);
        current = new ArrayList<>();
        sum = 0;
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** What a range turned into: a ref to stored bytes, or changed bytes for the patch. */
  private sealed interface Piece permits Stored, Fresh {}

  private record Stored(ChunkRef ref) implements Piece {}

  private record Fresh(byte[] data, int from, int length) implements Piece {}

  /**
   * The pieces of one range of the previous layout: the previous ref itself if the bytes are
   * unchanged; else runs of pages, equal ones as slices of the (verified) stored chunk; all of it
   * changed data if the chunk is sparse or not in the index.
   */
  private List<Piece> classify(PreviousFiles.Layout layout, ChunkRef previous, byte[] data) {
    ChunkIdHasher hasher = ctx.keys().hasher();
    // Only the index proper counts (spec §9.1): it names chunks in durable packs, which GC cannot
    // delete while this backup holds its shared lock. A sparse chunk is not referred to again, so
    // that the bytes no backup uses any more can be collected once the older backups go.
    if (!referable(layout, previous)) {
      return List.of(new Fresh(data, 0, data.length));
    }
    if (data.length == previous.length() && sameContent(previous, data, 0)) {
      return List.of(new Stored(previous));
    }
    Optional<byte[]> old = readStored(previous);
    if (old.isEmpty()) {
      return List.of(new Fresh(data, 0, data.length));
    }
    List<PageRuns.Run> runs = PageRuns.diff(old.get(), data, data.length);
    long equal = runs.stream().filter(PageRuns.Run::equal).mapToLong(PageRuns.Run::length).sum();
    if (2 * equal < data.length) {
      // Slicing the few pages left would keep the whole chunk alive for them: store them anew,
      // now, while the backup is rewriting most of the range anyway (spec §5.1, sparse chunks).
      return List.of(new Fresh(data, 0, data.length));
    }
    List<Piece> out = new ArrayList<>();
    for (PageRuns.Run run : runs) {
      if (run.equal()) {
        out.add(new Stored(part(previous, run, hasher.idOf(data, run.from(), run.length()))));
      } else {
        out.add(new Fresh(data, run.from(), run.length()));
      }
    }
    return out;
  }

  /**
   * Whether a backup may refer to {@code ref} again at all (spec §5.1 step 3): its chunk is in the
   * index proper and is not sparse in the previous backup.
   */
  private boolean referable(PreviousFiles.Layout layout, ChunkRef ref) {
    return layout.reusable(ref) && ctx.index().contains(ref.id());
  }

  /** Whether {@code data} from {@code from} holds exactly {@code ref}'s bytes, by keyed hash. */
  private boolean sameContent(ChunkRef ref, byte[] data, int from) {
    return data.length - from >= ref.length()
        && ctx.keys().hasher().idOf(data, from, ref.length()).equals(ref.contentId());
  }

  /** A run of {@code previous}'s bytes as a ref to its chunk: a slice unless it is all of it. */
  private static ChunkRef part(
      ChunkRef previous, PageRuns.Run run, org.pghardstorage.core.chunk.ChunkId id) {
    int offset = previous.offset() + run.from();
    if (offset == 0 && run.length() == previous.rawLength()) {
      return new ChunkRef(previous.id(), previous.rawLength());
    }
    return ChunkRef.slice(previous.id(), previous.rawLength(), offset, run.length(), id);
  }

  /**
   * The previous ref's bytes as the repository holds them, checked by the reader against the
   * chunk's and the slice's ids; empty (the range is stored anew) if they are missing or damaged.
   */
  private Optional<byte[]> readStored(ChunkRef previous) {
    try {
      return Optional.of(reader.read(previous));
    } catch (RepositoryCorruptException e) {
      LOG.warn(
          "cannot compare with chunk {}, storing its range anew: {}",
          previous.id(),
          e.getMessage());
      return Optional.empty();
    } catch (HardstorageException e) {
      if (!e.code().equals(RepositoryErrors.CHUNK_MISSING)) {
        throw e;
      }
      LOG.warn("chunk {} of the previous backup is missing, storing its range anew", previous.id());
      return Optional.empty();
    }
  }

  /** The state of one file. */
  private final class Cut {
    private final InputStream in;
    private final CRC32C crc = new CRC32C();
    private final List<ChunkRef> refs = new ArrayList<>();
    private final ArrayDeque<Future<List<Piece>>> inProgress = new ArrayDeque<>();

    /** Allocated on the first changed page: most files have none. */
    private byte[] patch;

    private int patchLength;

    /** Refs waiting for the patch chunk's id: {index in refs, offset in patch, length}. */
    private final List<int[]> pending = new ArrayList<>();

    private long position;

    private final PreviousFiles.Layout previous;

    Cut(InputStream in, PreviousFiles.Layout previous) {
      this.in = in;
      this.previous = previous;
    }

    /** Walks the previous layout; returns whether the file ended within it. */
    boolean reuse(List<ChunkRef> layout) throws IOException {
      int groupBytes = ctx.chunker().params().avgSize();
      for (List<ChunkRef> group : groups(layout, groupBytes)) {
        if (group.size() > MAX_REFS_PER_GROUP) {
          if (recut(group)) {
            return true;
          }
          continue;
        }
        for (ChunkRef ref : group) {
          byte[] data = read(ref.length());
          if (data.length > 0) {
            submit(() -> classify(previous, ref, data));
          }
          if (data.length < ref.length()) {
            return true;
          }
        }
      }
      return false;
    }

    /** Reads a fragmented group's stretch for {@link #fragmented}; true if the file ended. */
    private boolean recut(List<ChunkRef> group) throws IOException {
      int total = group.stream().mapToInt(ChunkRef::length).sum();
      byte[] data = read(total);
      if (data.length > 0) {
        submit(() -> fragmented(group, data));
      }
      return data.length < total;
    }

    /**
     * A fragmented group's pieces: its refs as they are if every one of them is unchanged and
     * reusable, else its bytes cut by content as new data. The group is defragmented when a change
     * touches it, never merely because an earlier backup fragmented it: a backup of an unchanged
     * file stores nothing (spec §5.1).
     */
    private List<Piece> fragmented(List<ChunkRef> group, byte[] data) {
      if (unchanged(group, data)) {
        return group.stream().<Piece>map(Stored::new).toList();
      }
      List<Piece> out = new ArrayList<>();
      int start = 0;
      for (int end : ctx.chunker().cutPoints(data)) {
        out.add(new Stored(store.apply(Arrays.copyOfRange(data, start, end))));
        start = end;
      }
      return out;
    }

    /** Whether {@code data} is exactly the group's refs, each one reusable as it is. */
    private boolean unchanged(List<ChunkRef> group, byte[] data) {
      int offset = 0;
      for (ChunkRef ref : group) {
        if (!referable(previous, ref) || !sameContent(ref, data, offset)) {
          return false;
        }
        offset += ref.length();
      }
      return offset == data.length;
    }

    /** Cuts the rest of the file by content alone. */
    void fresh() throws IOException {
      byte[] buffer = spareBuffer.getAndSet(null);
      if (buffer == null) {
        buffer = new byte[ChunkStream.bufferSize(ctx.chunker().params())];
      }
      try {
        ChunkStream chunks = ctx.chunker().split(in, buffer);
        for (Optional<byte[]> next = chunks.next(); next.isPresent(); next = chunks.next()) {
          byte[] chunk = next.get();
          crc.update(chunk);
          position += chunk.length;
          submit(() -> List.of(new Stored(store.apply(chunk))));
        }
      } finally {
        spareBuffer.set(buffer);
      }
    }

    private byte[] read(int length) throws IOException {
      byte[] data = in.readNBytes(length);
      crc.update(data);
      position += data.length;
      return data;
    }

    private void submit(Callable<List<Piece>> task) throws IOException {
      inProgress.add(encoders.submit(task));
      if (inProgress.size() >= window) {
        accept(take(inProgress.poll()));
      }
    }

    void drain() throws IOException {
      while (!inProgress.isEmpty()) {
        accept(take(inProgress.poll()));
      }
    }

    void cancel() {
      inProgress.forEach(f -> f.cancel(true));
    }

    private void accept(List<Piece> pieces) {
      for (Piece p : pieces) {
        if (p instanceof Stored s) {
          refs.add(s.ref());
        } else if (p instanceof Fresh f) {
          addToPatch(f);
        }
      }
    }

    /**
     * Appends changed bytes to the patch chunk; bytes that continue the file right after the
     * previous patch bytes extend that ref instead of adding one.
     */
    private void addToPatch(Fresh f) {
      int from = f.from();
      int left = f.length();
      int target = ctx.chunker().params().avgSize();
      if (patch == null) {
        patch = new byte[ctx.chunker().params().maxSize()];
      }
      while (left > 0) {
        if (patchLength == patch.length) {
          flushPatch();
        }
        int take = Math.min(left, patch.length - patchLength);
        System.arraycopy(f.data(), from, patch, patchLength, take);
        int[] last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (last != null && last[0] == refs.size() - 1 && last[1] + last[2] == patchLength) {
          last[2] += take;
        } else {
          pending.add(new int[] {refs.size(), patchLength, take});
          refs.add(null);
        }
        patchLength += take;
        from += take;
        left -= take;
        if (patchLength >= target) {
          flushPatch();
        }
      }
    }

    /** Stores the patch chunk and resolves the refs waiting for its id. */
    void flushPatch() {
      if (patchLength == 0) {
        return;
      }
      byte[] chunk = Arrays.copyOf(patch, patchLength);
      ChunkRef whole = store.apply(chunk);
      for (int[] p : pending) {
        ChunkRef ref =
            p[2] == chunk.length
                ? whole
                : ChunkRef.slice(
                    whole.id(),
                    chunk.length,
                    p[1],
                    p[2],
                    ctx.keys().hasher().idOf(chunk, p[1], p[2]));
        refs.set(p[0], ref);
      }
      pending.clear();
      patchLength = 0;
    }
  }

  private static List<Piece> take(Future<List<Piece>> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while storing chunks");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IOException(e.getCause());
    }
  }
}
