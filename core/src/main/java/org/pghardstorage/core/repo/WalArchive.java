package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;

/**
 * The WAL archive of one deployment (format spec §13): complete segments (write-once, equal
 * re-archiving accepted, different content refused), the partial segment (replaced as WAL arrives),
 * and timeline history files. Every object is compressed at the repository's WAL level ({@code
 * compression.wal_level}) and sealed. Callers writing WAL hold a shared lock. Thread-safe.
 */
public final class WalArchive {
  static final String PREFIX = "wal/";
  static final String PARTIAL = ".partial";
  private static final String HISTORY_DIR = "history";
  private static final String COVERAGE_DIR = "coverage";
  private static final String HISTORY = ".history";
  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
  private static final Pattern TIMELINE = Pattern.compile("[0-9A-F]{8}");

  /** Outcome of a write-once put. */
  public enum PutResult {
    /** This call stored the object. */
    STORED,
    /** An identical object was already archived. */
    ALREADY_PRESENT
  }

  private final RepoContext ctx;
  private final Deployment deployment;

  WalArchive(RepoContext ctx, Deployment deployment) {
    this.ctx = ctx;
    this.deployment = deployment;
  }

  /** The deployment. */
  public Deployment deployment() {
    return deployment;
  }

  /**
   * Archives a complete segment, then deletes its partial object if any.
   *
   * @throws HardstorageException {@code wal.segment_conflict} if archived with other content,
   *     {@code wal.invalid_name} for a malformed name
   */
  public PutResult putSegment(String segmentName, byte[] content) {
    return store(sealSegment(segmentName, content));
  }

  /** Stores or replaces the partial segment (atomic {@code put}). */
  public void putPartial(String segmentName, byte[] content) {
    store(sealPartial(segmentName, content));
  }

  /**
   * A WAL object compressed and sealed for storing, not yet stored. Sealing (CPU) and storing (I/O)
   * are separate steps so that a writer can seal the next segment while the previous one is written
   * and fsynced; {@link #store} gives it the same meaning as {@link #putSegment} or {@link
   * #putPartial}. Immutable.
   */
  public static final class Sealed {
    private final String segmentName;
    private final ObjectKey key;
    private final byte[] content;
    private final byte[] stored;
    private final boolean partial;

    private Sealed(
        String segmentName, ObjectKey key, byte[] content, byte[] stored, boolean partial) {
      this.segmentName = segmentName;
      this.key = key;
      this.content = content;
      this.stored = stored;
      this.partial = partial;
    }

    /** The segment's name. */
    public String segmentName() {
      return segmentName;
    }

    /** Whether this is the segment's partial object (else the complete segment). */
    public boolean partial() {
      return partial;
    }
  }

  /**
   * Seals a complete segment for {@link #store}; {@code content} is kept (to compare on a conflict)
   * and must not change afterwards.
   *
   * @throws HardstorageException {@code wal.invalid_name} for a malformed name
   */
  public Sealed sealSegment(String segmentName, byte[] content) {
    return seal(segmentName, content, false);
  }

  /**
   * Seals a partial segment for {@link #store}.
   *
   * @throws HardstorageException {@code wal.invalid_name} for a malformed name
   */
  public Sealed sealPartial(String segmentName, byte[] content) {
    return seal(segmentName, content, true);
  }

  private Sealed seal(String segmentName, byte[] content, boolean partial) {
    ObjectKey key = segmentKey(segmentName, partial);
    ObjectType type = partial ? ObjectType.WAL_PARTIAL : ObjectType.WAL_SEGMENT;
    return new Sealed(
        segmentName, key, content, ctx.walObjects().encode(type, key.value(), content), partial);
  }

  /**
   * Stores what {@link #sealSegment} or {@link #sealPartial} sealed, for this archive only: a
   * complete segment write-once (then its partial object is deleted), a partial one replacing the
   * previous partial. A partial returns {@link PutResult#STORED}.
   *
   * @throws HardstorageException {@code wal.segment_conflict} if a complete segment is archived
   *     with other content
   */
  public PutResult store(Sealed sealed) {
    if (!sealed.key.equals(segmentKey(sealed.segmentName, sealed.partial))) {
      throw new IllegalArgumentException(
          "object " + sealed.key + " was sealed for another archive than " + deploymentPrefix());
    }
    if (sealed.partial) {
      ctx.store().put(sealed.key, sealed.stored);
      return PutResult.STORED;
    }
    PutResult result = putOnce(sealed.key, ObjectType.WAL_SEGMENT, sealed.content, sealed.stored);
    ctx.store().delete(segmentKey(sealed.segmentName, true));
    return result;
  }

  /** The bytes this deployment's WAL occupies in the store: segments, partials and histories. */
  public long storedBytes() {
    return ctx.store().list(PREFIX + deployment.name() + "/").stream()
        .mapToLong(ObjectInfo::size)
        .sum();
  }

  /**
   * The complete segment if archived, else the partial one if present; empty only when neither
   * exists.
   *
   * <p>A writer finishing the segment stores the complete object and then deletes the partial one
   * ({@link #putSegment}). A reader that missed the complete object and then finds the partial one
   * gone has raced with exactly that, so it reads the complete object again: between the two
   * deletes-after-create, one of the three reads sees the segment.
   */
  public Optional<WalSegment> getSegment(String segmentName) {
    ObjectKey completeKey = segmentKey(segmentName, false);
    Optional<byte[]> complete = read(completeKey, ObjectType.WAL_SEGMENT);
    if (complete.isEmpty()) {
      Optional<byte[]> partial = read(segmentKey(segmentName, true), ObjectType.WAL_PARTIAL);
      if (partial.isPresent()) {
        return Optional.of(new WalSegment(segmentName, true, partial.get()));
      }
      complete = read(completeKey, ObjectType.WAL_SEGMENT);
    }
    return complete.map(c -> new WalSegment(segmentName, false, c));
  }

  /**
   * The key of a segment's complete or partial object, for naming it in reports.
   *
   * @throws HardstorageException {@code wal.invalid_name} for a malformed name
   */
  public ObjectKey objectKey(String segmentName, boolean partial) {
    return segmentKey(segmentName, partial);
  }

  /** Segment objects of one timeline, sorted by name, complete before partial. */
  public List<WalEntry> listSegments(long timeline) {
    String prefix = timelinePrefix(timeline);
    List<WalEntry> out = new ArrayList<>();
    for (ObjectInfo info : ctx.store().list(prefix)) {
      String name = info.key().value().substring(prefix.length());
      boolean partial = name.endsWith(PARTIAL);
      String segment = partial ? name.substring(0, name.length() - PARTIAL.length()) : name;
      if (SEGMENT.matcher(segment).matches()) {
        out.add(new WalEntry(segment, partial, info.size(), info.lastModified()));
      }
    }
    out.sort(
        (a, b) ->
            a.name().equals(b.name())
                ? Boolean.compare(a.partial(), b.partial())
                : a.name().compareTo(b.name()));
    return out;
  }

  /**
   * Timelines with at least one segment object, ascending. Only objects named like segments count:
   * a stray object (or a directory {@code 00000000}) under the WAL prefix is not a timeline.
   */
  public List<Long> listTimelines() {
    String prefix = deploymentPrefix();
    TreeSet<Long> out = new TreeSet<>();
    for (ObjectInfo info : ctx.store().list(prefix)) {
      String[] parts = info.key().value().substring(prefix.length()).split("/");
      if (parts.length != 2 || !TIMELINE.matcher(parts[0]).matches()) {
        continue;
      }
      String name =
          parts[1].endsWith(PARTIAL)
              ? parts[1].substring(0, parts[1].length() - PARTIAL.length())
              : parts[1];
      long tli = Long.parseLong(parts[0], 16);
      if (tli >= 1 && SEGMENT.matcher(name).matches() && name.startsWith(parts[0])) {
        out.add(tli);
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * A range of segments the archive promises to hold whole: from a segment on, continuously (a WAL
   * streamer's session), or from one segment to another (a backup's own WAL). A segment inside a
   * promised range that is not stored was lost; one outside every range was never archived (format
   * spec §13.1).
   *
   * @param from the first segment
   * @param to the last segment, or empty for an open range (a streamer keeps appending)
   */
  public record Coverage(String from, Optional<String> to) {
    /** Validates the names. */
    public Coverage {
      if (from == null || !SEGMENT.matcher(from).matches()) {
        throw new IllegalArgumentException("invalid coverage start '" + from + "'");
      }
      to.ifPresent(
          t -> {
            if (!SEGMENT.matcher(t).matches()
                || !t.startsWith(from.substring(0, 8))
                || t.compareTo(from) < 0) {
              throw new IllegalArgumentException("invalid coverage range " + from + "-" + t);
            }
          });
    }

    /** Whether {@code segment} (of the same timeline) lies in the range. */
    public boolean covers(String segment) {
      return segment.startsWith(from.substring(0, 8))
          && segment.compareTo(from) >= 0
          && to.map(t -> segment.compareTo(t) <= 0).orElse(true);
    }
  }

  /**
   * Records that the archive holds every segment from {@code from} on (an open range: a streamer
   * starting a session) or from {@code from} to {@code to} (a backup's own WAL, once it is
   * durable). Idempotent; written before the WAL it promises (streamer) or after it is durable
   * (backup).
   */
  public void recordCoverage(Coverage c) {
    ctx.store()
        .putIfAbsent(
            ObjectKey.of(
                deploymentPrefix()
                    + COVERAGE_DIR
                    + "/"
                    + c.from()
                    + c.to().map(t -> "-" + t).orElse("")),
            new byte[0]);
  }

  /** Every recorded coverage range; objects not named like one are ignored. */
  public List<Coverage> listCoverage() {
    String prefix = deploymentPrefix() + COVERAGE_DIR + "/";
    List<Coverage> out = new ArrayList<>();
    for (ObjectInfo info : ctx.store().list(prefix)) {
      String name = info.key().value().substring(prefix.length());
      String[] parts = name.split("-", -1);
      try {
        if (parts.length == 1) {
          out.add(new Coverage(parts[0], Optional.empty()));
        } else if (parts.length == 2) {
          out.add(new Coverage(parts[0], Optional.of(parts[1])));
        }
      } catch (IllegalArgumentException foreign) {
        // not ours: a reader ignores what it does not know
      }
    }
    return out;
  }

  /** Deletes a segment's complete and partial objects. Idempotent. */
  public void deleteSegment(String segmentName) {
    ctx.store().delete(segmentKey(segmentName, false));
    ctx.store().delete(segmentKey(segmentName, true));
  }

  /**
   * Archives a timeline history file.
   *
   * @throws HardstorageException {@code wal.segment_conflict} if archived with other content
   */
  public PutResult putHistory(long timeline, byte[] content) {
    return putOnce(historyKey(timeline), ObjectType.TIMELINE_HISTORY, content);
  }

  /** A timeline's history file, if archived. */
  public Optional<byte[]> getHistory(long timeline) {
    return read(historyKey(timeline), ObjectType.TIMELINE_HISTORY);
  }

  /**
   * Deletes a timeline's history file. Idempotent. Only WAL retention calls this, under an
   * exclusive lock, for abandoned timelines none of whose segments it keeps (format spec §14.3).
   */
  public void deleteHistory(long timeline) {
    ctx.store().delete(historyKey(timeline));
  }

  /** Timelines with an archived history file, ascending. */
  public List<Long> listHistories() {
    String prefix = deploymentPrefix() + HISTORY_DIR + "/";
    List<Long> out = new ArrayList<>();
    for (ObjectInfo info : ctx.store().list(prefix)) {
      String name = info.key().name();
      if (name.endsWith(HISTORY)
          && TIMELINE.matcher(name.substring(0, 8)).matches()
          && name.length() == 16) {
        out.add(Long.parseLong(name.substring(0, 8), 16));
      }
    }
    out.sort(null);
    return out;
  }

  private PutResult putOnce(ObjectKey key, ObjectType type, byte[] content) {
    return putOnce(key, type, content, ctx.walObjects().encode(type, key.value(), content));
  }

  private PutResult putOnce(ObjectKey key, ObjectType type, byte[] content, byte[] stored) {
    if (ctx.store().putIfAbsent(key, stored)) {
      return PutResult.STORED;
    }
    Optional<byte[]> existing = read(key, type);
    if (existing.isPresent() && Arrays.equals(existing.get(), content)) {
      return PutResult.ALREADY_PRESENT;
    }
    throw RepositoryErrors.walConflict(key.value());
  }

  private Optional<byte[]> read(ObjectKey key, ObjectType type) {
    byte[] stored;
    try {
      stored = ctx.store().get(key);
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(ctx.objects().decode(type, key.value(), stored));
    } catch (DecodeException e) {
      throw e.corrupt(key.value(), "");
    }
  }

  private String deploymentPrefix() {
    return PREFIX + deployment.name() + "/";
  }

  private String timelinePrefix(long timeline) {
    return deploymentPrefix() + timelineHex(timeline) + "/";
  }

  private ObjectKey segmentKey(String segmentName, boolean partial) {
    if (segmentName == null
        || !SEGMENT.matcher(segmentName).matches()
        || segmentName.startsWith("00000000")) {
      throw invalid(
          "WAL segment name '" + segmentName + "'", "24 upper-case hex digits, timeline >= 1");
    }
    return ObjectKey.of(
        deploymentPrefix()
            + segmentName.substring(0, 8)
            + "/"
            + segmentName
            + (partial ? PARTIAL : ""));
  }

  private ObjectKey historyKey(long timeline) {
    return ObjectKey.of(deploymentPrefix() + HISTORY_DIR + "/" + timelineHex(timeline) + HISTORY);
  }

  private static String timelineHex(long timeline) {
    if (timeline < 1 || timeline > 0xffffffffL) {
      throw invalid("timeline " + timeline, "1..4294967295");
    }
    return String.format("%08X", timeline);
  }

  private static HardstorageException invalid(String what, String rule) {
    return new HardstorageException(
        RepositoryErrors.INVALID_WAL_NAME,
        ExitCode.USAGE,
        "invalid " + what + ": expected " + rule,
        "use PostgreSQL's WAL file names, e.g. 000000010000000000000003");
  }
}
