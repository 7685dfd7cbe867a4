package org.pghardstorage.core.restore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;

/**
 * The spool beside {@code %p} ({@code pg_wal/}{@value RestoreCommands#PREFETCH_SPOOL}) that one
 * background fetcher fills ahead of a recovery, and from which the launcher answers {@code
 * restore_command} without starting Java.
 *
 * <p>What a reader may trust, and why (the launcher's fast path relies on every point):
 *
 * <ul>
 *   <li>The file {@value #OWNER} names whom the spool answers for ({@link Identity}): this run of
 *       the postmaster (its pid and start time from {@code postmaster.pid}) and the {@code
 *       restore_command} arguments (deployment, repository, key, options). A reader that computes
 *       another identity ignores the spool; the fetcher empties a spool of another identity before
 *       it writes its own {@value #OWNER}, so a spool left by another restore, repository,
 *       deployment or an earlier run of the server is never served.
 *   <li>A file named exactly like a WAL segment is a complete segment: the fetcher checked its
 *       length and that its first page is the long header addressed at the segment's start, wrote
 *       it under a temporary name and renamed it into place (fsynced first if {@link #syncSegments
 *       asked}). Temporary names never look like segments, so a fetcher killed mid-write leaves
 *       nothing a reader takes.
 *   <li>{@code NAME}{@value #ABSENT} holds the repository's own reason why {@code NAME} does not
 *       exist ({@link WalFetcher.Absent}). It is true only while its fetcher lives ({@value #PID}
 *       names it by pid and start time): the fetcher asks the repository again at short intervals
 *       and deletes the marker when the answer changes or cannot be had. Errors are never written.
 * </ul>
 *
 * One process owns the spool at a time ({@value #LOCK}, an OS file lock). Not thread-safe.
 */
public final class WalSpool implements Closeable {
  /** Whom the spool answers for: {@link Identity#text()}. */
  public static final String OWNER = "owner";

  /** The live fetcher: its pid and its start time in clock ticks after boot (Linux). */
  public static final String PID = "fetcher.pid";

  /**
   * Written by the launcher when it starts a fetcher ({@code <postmaster pid> <start time>}), so
   * that the calls made while that JVM starts do not start others; removed when a fetcher takes the
   * spool.
   */
  public static final String STARTING = "fetcher.starting";

  /** Held (an OS lock) by the one fetcher that owns the spool. */
  public static final String LOCK = "fetcher.lock";

  /** The fetcher's output. */
  public static final String LOG = "fetcher.log";

  /** The last WAL file a foreground {@code wal fetch} answered: where recovery is. */
  public static final String WANT = "want";

  /** Suffix of a negative answer's marker. */
  public static final String ABSENT = ".absent";

  /** Suffix of a partial segment as the repository holds it now, zero-padded. */
  public static final String PARTIAL = ".partial";

  /** Suffix of a signal that the fetcher has no answer to cache: the launcher asks Java. */
  public static final String ASK_JAVA = ".java";

  /** First line of {@value #OWNER}: the layout version. */
  public static final String HEADER = "pg_hardstorage spool 1";

  private static final String TMP = ".tmp-";
  private static final int XLP_LONG_HEADER = 0x0002;
  private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
  private static final Pattern START_WAL =
      Pattern.compile("(?m)^START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)$");

  private final Path dir;
  private final Identity identity;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean syncSegments;

  private WalSpool(Path dir, Identity identity, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.identity = identity;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Whom a spool answers for: lines without line breaks, compared as text by the launcher.
   *
   * @param lines the postmaster's pid and start time, then the deployment and the {@code
   *     restore_command} options as given
   */
  public record Identity(List<String> lines) {
    /** Validates the lines: a line break or NUL would make two identities read alike. */
    public Identity {
      lines = List.copyOf(lines);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("a spool identity needs at least one line");
      }
      for (String l : lines) {
        if (l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0 || l.indexOf('\0') >= 0) {
          throw new IllegalArgumentException(
              "a spool identity line holds a line break or NUL: " + l.replace("\n", "\\n"));
        }
      }
    }

    /**
     * The identity of the server running in {@code dataDir} (its {@code postmaster.pid}: pid and
     * start time), answering {@code request}.
     *
     * @throws IOException when {@code postmaster.pid} cannot be read or is not PostgreSQL's
     */
    public static Identity of(Path dataDir, List<String> request) throws IOException {
      List<String> pid = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      if (pid.size() < 3 || !pid.get(0).matches("[0-9]+") || !pid.get(2).matches("[0-9]+")) {
        throw new IOException(
            dataDir.resolve("postmaster.pid") + " does not start with a pid and a start time");
      }
      List<String> lines = new ArrayList<>(List.of(pid.get(0), pid.get(2)));
      lines.addAll(request);
      return new Identity(lines);
    }

    /** The content of {@value #OWNER}: {@value #HEADER}, then one line each. */
    public String text() {
      return HEADER + "\n" + String.join("\n", lines) + "\n";
    }

    /** The postmaster's pid. */
    long postmasterPid() {
      return Long.parseLong(lines.get(0));
    }
  }

  /**
   * Takes the spool at {@code dir} for {@code identity}: creates it, takes its lock, empties it if
   * it belonged to another identity (else drops what no live fetcher vouches for: temporary files,
   * negative answers, and segments that fail the checks), and records this process as its fetcher.
   *
   * @return empty when another process holds the spool
   * @throws IOException when {@code dir} is not a plain directory or cannot be written
   */
  public static Optional<WalSpool> take(Path dir, Identity identity) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(dir + " exists and is not a directory", e);
      }
    }
    FileChannel channel =
        FileChannel.open(
            dir.resolve(LOCK),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      // this very process holds it already
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    WalSpool spool = new WalSpool(dir, identity, channel, lock);
    try {
      // first: from here on the launcher sees a live fetcher, before and after the starting
      // marker goes, so it keeps waiting for this one instead of starting Java
      spool.writeAtomically(PID, ProcessHandle.current().pid() + " " + startTicks() + "\n");
      spool.reconcile();
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return Optional.of(spool);
  }

  private void reconcile() throws IOException {
    boolean ours = identity.text().equals(readSmall(dir.resolve(OWNER)).orElse(null));
    if (!ours) {
      // first forget whom it answered for, so that no reader trusts what is deleted next
      Files.deleteIfExists(dir.resolve(OWNER));
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.equals(LOCK)
            || name.equals(PID)
            || (ours && (name.equals(OWNER) || name.equals(LOG)))) {
          continue;
        }
        if (ours
            && WalSegmentName.looksLikeSegmentName(name)
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            && stillSound(p, name)) {
          continue;
        }
        deleteTree(p);
      }
    }
    if (!ours) {
      writeAtomically(OWNER, identity.text());
    }
  }

  /** A segment left by an earlier fetcher of this identity: kept only if it passes the checks. */
  private static boolean stillSound(Path p, String name) throws IOException {
    long size = Files.size(p);
    if (size <= 0 || size > Integer.MAX_VALUE) {
      return false;
    }
    try {
      WalSegmentSize segmentSize = WalSegmentSize.ofBytes(size);
      byte[] head = new byte[24];
      try (FileChannel c =
          FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        if (c.read(ByteBuffer.wrap(head)) != head.length) {
          return false;
        }
      }
      return checkHeader(WalSegmentName.parse(name, segmentSize), head).isEmpty();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether segments are fsynced before they are renamed into place (default: no). Nothing in the
   * spool outlives the run of the server it names: after an OS crash the server starts again with
   * another start time, so a spooled segment whose bytes were lost with the page cache is never
   * served (the launcher ignores the spool, the next fetcher empties it). Within one run the page
   * cache is what every reader sees. The fsync only costs disk bandwidth for WAL that PostgreSQL
   * deletes once replayed, as {@code cp} in a {@code restore_command} does not fsync either.
   */
  public void syncSegments(boolean on) {
    this.syncSegments = on;
  }

  /** The spool directory. */
  public Path dir() {
    return dir;
  }

  /** Whom it answers for. */
  public Identity identity() {
    return identity;
  }

  /** Whether {@value #OWNER} still names this spool's identity (nobody removed or took it). */
  public boolean stillOurs() {
    try {
      return identity.text().equals(readSmall(dir.resolve(OWNER)).orElse(null));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Puts complete segment {@code name} into the spool, after checking that {@code content} is it:
   * exactly one segment long, its first page a long header addressed at the segment's start.
   * Written to a temporary name, fsynced if {@link #syncSegments asked}, renamed into place.
   *
   * @throws IllegalArgumentException naming what does not match; nothing is written then
   */
  public void publishSegment(String name, byte[] content, WalSegmentSize segmentSize)
      throws IOException {
    checkSegment(name, content, segmentSize);
    writeAtomically(name, content, syncSegments);
  }

  private static void checkSegment(String name, byte[] content, WalSegmentSize segmentSize) {
    WalSegmentName segment = WalSegmentName.parse(name, segmentSize);
    if (content.length != segmentSize.bytes()) {
      throw new IllegalArgumentException(
          "WAL segment "
              + name
              + " holds "
              + content.length
              + " bytes, not the segment size "
              + segmentSize.bytes());
    }
    Optional<String> wrong = checkHeader(segment, content);
    if (wrong.isPresent()) {
      throw new IllegalArgumentException("WAL segment " + name + ": " + wrong.get());
    }
  }

  /**
   * Why the first bytes of a segment are not {@code segment}'s, if they are not: PostgreSQL writes
   * a long page header at the start of every segment, with the segment's start LSN as its address.
   */
  static Optional<String> checkHeader(WalSegmentName segment, byte[] head) {
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    int info = b.getShort(2) & 0xFFFF;
    long address = b.getLong(8);
    if ((info & XLP_LONG_HEADER) == 0) {
      return Optional.of("its first page has no long header (xlp_info " + info + ")");
    }
    if (address != segment.startLsn().value()) {
      return Optional.of(
          "its first page is addressed "
              + Long.toHexString(address).toUpperCase(java.util.Locale.ROOT)
              + ", not the segment's start "
              + segment.startLsn());
    }
    return Optional.empty();
  }

  /**
   * Puts the partial segment {@code name} into the spool as {@code NAME}{@value #PARTIAL}, checked
   * like a complete one: zero-padded to the segment size, first page addressed at its start. It is
   * the repository's answer of now and true only while this fetcher lives and confirms it.
   */
  public void publishPartial(String name, byte[] padded, WalSegmentSize segmentSize)
      throws IOException {
    checkSegment(name, padded, segmentSize);
    writeAtomically(name + PARTIAL, padded, syncSegments);
  }

  /** Withdraws a partial segment (no error if there is none). */
  public void withdrawPartial(String name) throws IOException {
    requireWalFileName(name);
    Files.deleteIfExists(dir.resolve(name + PARTIAL));
  }

  /** Tells the launcher to ask Java for {@code name}: nothing about it may be cached. */
  public void askJava(String name) throws IOException {
    requireWalFileName(name);
    writeAtomically(name + ASK_JAVA, "");
  }

  /** Withdraws {@link #askJava}. */
  public void clearAskJava(String name) throws IOException {
    requireWalFileName(name);
    Files.deleteIfExists(dir.resolve(name + ASK_JAVA));
  }

  /** Records the repository's statement that {@code name} does not exist, and why. */
  public void publishAbsent(String name, String reason) throws IOException {
    requireWalFileName(name);
    writeAtomically(name + ABSENT, reason.replaceAll("[\\r\\n\\x00]", " ") + "\n");
  }

  /** Withdraws a negative answer (no error if there is none). */
  public void withdrawAbsent(String name) throws IOException {
    requireWalFileName(name);
    Files.deleteIfExists(dir.resolve(name + ABSENT));
  }

  /** The complete segments in the spool, by name. */
  public TreeSet<String> segments() throws IOException {
    TreeSet<String> out = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (WalSegmentName.looksLikeSegmentName(name)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  /** Removes segment {@code name} (recovery has passed it, or it is not ours). */
  public void deleteSegment(String name) throws IOException {
    if (!WalSegmentName.looksLikeSegmentName(name)) {
      throw new IllegalArgumentException("not a WAL segment name: '" + name + "'");
    }
    Files.deleteIfExists(dir.resolve(name));
  }

  /** The WAL file a foreground call last asked for, once (the hint is consumed). */
  public Optional<String> takeHint() throws IOException {
    Path want = dir.resolve(WANT);
    Optional<String> text = readSmall(want);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Files.deleteIfExists(want);
    String name = text.get().strip();
    return isWalFileName(name) ? Optional.of(name) : Optional.empty();
  }

  /**
   * Tells the fetcher of the spool beside {@code target} that recovery asked for {@code file}, if
   * such a spool exists: a hint only, so that the fetcher fetches from there on and drops what
   * recovery has passed. Never creates the spool.
   *
   * @return whether the hint was written
   */
  public static boolean hint(Path target, String file) throws IOException {
    Path dir = spoolBeside(target);
    if (!isWalFileName(file) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Path tmp = dir.resolve(TMP + WANT + "-" + ProcessHandle.current().pid());
    try {
      Files.writeString(tmp, file + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, dir.resolve(WANT), StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // the spool was removed meanwhile (recovery ended): nobody needs the hint
      return false;
    }
    return true;
  }

  /** The spool directory of a {@code restore_command} whose {@code %p} is {@code target}. */
  public static Path spoolBeside(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    return parent.resolve(RestoreCommands.PREFETCH_SPOOL);
  }

  /**
   * The segment a restored data directory's recovery starts at, from its {@code backup_label}
   * (PostgreSQL renames that file once it has read it).
   */
  public static Optional<String> backupStartSegment(Path dataDir) throws IOException {
    Optional<String> label = readSmall(dataDir.resolve("backup_label"));
    if (label.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = START_WAL.matcher(label.get());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Removes the spool at {@code dir} and everything in it. It is renamed away first, so that a
   * fetcher still writing by path cannot add entries to a directory being removed.
   */
  public static void remove(Path dir) throws IOException {
    Path gone = dir.resolveSibling(dir.getFileName() + ".ended-" + ProcessHandle.current().pid());
    try {
      Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return;
    }
    deleteTree(gone);
  }

  /**
   * Gives the spool up: this process is no longer its fetcher; negative answers, partial segments
   * and signals lapse.
   */
  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(dir.resolve(PID));
      try (DirectoryStream<Path> entries =
          Files.newDirectoryStream(dir, "*{" + ABSENT + "," + PARTIAL + "," + ASK_JAVA + "}")) {
        for (Path p : entries) {
          Files.deleteIfExists(p);
        }
      }
    } catch (NoSuchFileException e) {
      // the spool is gone already (recovery ended): nothing to withdraw
    } finally {
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } finally {
        lockChannel.close();
      }
    }
  }

  private void writeAtomically(String name, String text) throws IOException {
    writeAtomically(name, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Writes {@code name} under a temporary name, fsyncs it if asked, renames it into place. */
  private void writeAtomically(String name, byte[] content, boolean sync) throws IOException {
    Path tmp = dir.resolve(TMP + name);
    Files.deleteIfExists(tmp);
    try (FileChannel c =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        c.write(b);
      }
      if (sync) {
        c.force(true);
      }
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  private static Optional<String> readSmall(Path p) throws IOException {
    try {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > 65536) {
        return Optional.empty();
      }
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (java.nio.charset.CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code name} is a WAL segment or timeline history file name. */
  static boolean isWalFileName(String name) {
    return WalSegmentName.looksLikeSegmentName(name) || HISTORY.matcher(name).matches();
  }

  private static void requireWalFileName(String name) {
    Objects.requireNonNull(name, "name");
    if (!isWalFileName(name)) {
      throw new IllegalArgumentException("not a WAL segment or history file name: '" + name + "'");
    }
  }

  /**
   * Deletes {@code p}: a link or file itself, a directory with its content, never a link target.
   */
  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
        for (Path child : entries) {
          deleteTree(child);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  /**
   * This process's start time in clock ticks after boot (field 22 of {@code /proc/self/stat}), or
   * {@code -} where there is no {@code /proc}: with the pid it names this process uniquely, which a
   * pid alone does not once it is reused. The launcher compares it before trusting negative
   * answers; {@code -} never matches, so without {@code /proc} they are not served.
   */
  static String startTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
      return rest[19];
    } catch (IOException | RuntimeException e) {
      return "-";
    }
  }

  /** How long a fetcher keeps answering after the signal files went: see {@link #recoveryWatch}. */
  public static final Duration END_GRACE = Duration.ofSeconds(10);

  /**
   * Whether the recovery the spool serves goes on: the server of {@code identity} still runs in
   * {@code dataDir} (same {@code postmaster.pid}, process alive) and is still in recovery (its
   * {@code recovery.signal} or {@code standby.signal} is there). PostgreSQL removes those files
   * before its last requests (the history probes that pick the new timeline), so once they were
   * seen, their absence ends recovery only after {@link #END_GRACE}; the {@code
   * recovery_end_command} a restore writes removes the spool at once anyway. A server gone or
   * restarted ends it at once, and so does a recovery that had ended before the first look.
   *
   * @param nanos a monotonic clock ({@code System::nanoTime})
   */
  public static BooleanSupplier recoveryWatch(Path dataDir, Identity identity, LongSupplier nanos) {
    long[] endSeen = {Long.MIN_VALUE};
    boolean[] sawRecovery = {false};
    return () -> {
      if (!serverRuns(dataDir, identity)) {
        return false;
      }
      if (Files.exists(dataDir.resolve("recovery.signal"))
          || Files.exists(dataDir.resolve("standby.signal"))) {
        sawRecovery[0] = true;
        endSeen[0] = Long.MIN_VALUE;
        return true;
      }
      if (!sawRecovery[0]) {
        return false;
      }
      long now = nanos.getAsLong();
      if (endSeen[0] == Long.MIN_VALUE) {
        endSeen[0] = now;
      }
      return now - endSeen[0] < END_GRACE.toNanos();
    };
  }

  private static boolean serverRuns(Path dataDir, Identity identity) {
    try {
      List<String> pid = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      return pid.size() >= 3
          && pid.get(0).equals(identity.lines().get(0))
          && pid.get(2).equals(identity.lines().get(1))
          && ProcessHandle.of(identity.postmasterPid()).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {@code file}'s timeline if it is a history file name. */
  static Optional<TimelineId> historyTimeline(String file) {
    return HISTORY.matcher(file).matches()
        ? Optional.of(TimelineId.parseHistoryFileName(file))
        : Optional.empty();
  }
}
