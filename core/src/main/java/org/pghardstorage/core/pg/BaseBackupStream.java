package org.pghardstorage.core.pg;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A running {@code BASE_BACKUP} on PostgreSQL 15+, read as a pull stream without buffering an
 * archive. The server sends a start-position result, a tablespace list, one COPY OUT stream whose
 * CopyData messages carry sub-messages ({@code n} new archive, {@code d} data, {@code p} progress,
 * {@code m} manifest follows), then an end-position result.
 *
 * <p>Use: {@link #start()}, {@link #tablespaces()}, then {@link #nextArchive()} until empty reading
 * each archive's stream, then {@link #manifest()}, then {@link #end()}. Unread archive or manifest
 * bytes are discarded when moving on. Closing before {@link #end()} cancels the backup on the
 * server and closes the connection.
 */
public final class BaseBackupStream implements AutoCloseable {
  private enum Phase {
    ARCHIVES,
    MANIFEST,
    COPY_DONE,
    ENDED,
    CLOSED
  }

  private final PgConnection connection;
  private final BackupPosition start;
  private final List<Tablespace> tablespaces;
  private Phase phase = Phase.ARCHIVES;

  /** A sub-message read ahead by an archive stream that ended at it. */
  private byte[] pending;

  private DataStream current;
  private volatile long bytesReceived;
  private volatile long serverProgress;
  private LongConsumer progressListener = bytes -> {};

  private BaseBackupStream(PgConnection connection, BackupPosition start, List<Tablespace> ts) {
    this.connection = connection;
    this.start = start;
    this.tablespaces = List.copyOf(ts);
  }

  /** Sends BASE_BACKUP and reads up to the start of the archive data. */
  static BaseBackupStream begin(PgConnection connection, BaseBackupOptions options) {
    connection.beginQuery(options.toCommand());
    try {
      QueryResult startResult = expectResult(connection, "start position");
      BackupPosition start = position(startResult);
      QueryResult tsResult = expectResult(connection, "tablespace list");
      List<Tablespace> ts = new ArrayList<>();
      for (Row row : tsResult.rows()) {
        ts.add(
            new Tablespace(
                row.isNull(0) ? OptionalLong.empty() : OptionalLong.of(row.getLong(0)),
                row.getOptionalString(1).filter(s -> !s.isEmpty()),
                row.isNull(2) ? OptionalLong.empty() : OptionalLong.of(row.getLong(2))));
      }
      Response copy = connection.nextResponse();
      if (!(copy instanceof Response.CopyStarted c)
          || c.messageType() != BackendMessage.COPY_OUT_RESPONSE) {
        throw PgErrors.protocol(
            connection.endpoint().display(),
            "expected COPY OUT after the tablespace list, got " + copy);
      }
      return new BaseBackupStream(connection, start, ts);
    } catch (PgServerException e) {
      throw e; // the connection drained to ReadyForQuery and is usable
    } catch (HardstorageException e) {
      connection.abandon();
      throw e;
    }
  }

  private static QueryResult expectResult(PgConnection connection, String what) {
    Response r = connection.nextResponse();
    if (r instanceof Response.Result res) {
      return res.result();
    }
    throw PgErrors.protocol(
        connection.endpoint().display(), "expected the " + what + " of BASE_BACKUP, got " + r);
  }

  private static BackupPosition position(QueryResult r) {
    Row row = r.singleRow();
    return new BackupPosition(row.getLsn(0), TimelineId.of(row.getLong(1)));
  }

  /** Where the backup starts (the checkpoint's redo position) and on which timeline. */
  public BackupPosition start() {
    return start;
  }

  /** The tablespaces; the main data directory is the entry with an empty OID. */
  public List<Tablespace> tablespaces() {
    return tablespaces;
  }

  /** Calls {@code listener} with the server's byte count on every progress message. */
  public void setProgressListener(LongConsumer listener) {
    this.progressListener = listener;
  }

  /** Archive and manifest bytes received so far. */
  public long bytesReceived() {
    return bytesReceived;
  }

  /** The byte count of the server's last progress message. */
  public long serverProgress() {
    return serverProgress;
  }

  /**
   * The next archive, or empty when all archives have been sent. Discards what is left unread of
   * the previous archive.
   *
   * @throws PgServerException if the server fails the backup
   */
  public Optional<BaseBackupArchive> nextArchive() {
    if (phase != Phase.ARCHIVES) {
      return Optional.empty();
    }
    skipCurrent();
    Sub sub = nextSub();
    if (sub == null) {
      return Optional.empty();
    }
    if (sub.whole() == null) {
      throw unexpectedSubMessage((byte) 'd', "between archives");
    }
    byte[] m = sub.whole();
    switch (m[0]) {
      case 'n' -> {
        ByteBuffer b = ByteBuffer.wrap(m, 1, m.length - 1);
        String name = cstring(b);
        String location = cstring(b);
        current = new DataStream();
        return Optional.of(
            new BaseBackupArchive(name, Optional.of(location).filter(s -> !s.isEmpty()), current));
      }
      case 'm' -> {
        phase = Phase.MANIFEST;
        current = new DataStream();
        return Optional.empty();
      }
      default -> throw unexpectedSubMessage(m[0], "between archives");
    }
  }

  /**
   * The backup_manifest, or empty if none was requested. Skips any archives not yet read.
   *
   * @throws PgServerException if the server fails the backup
   */
  public Optional<InputStream> manifest() {
    while (phase == Phase.ARCHIVES) {
      if (nextArchive().isEmpty()) {
        break;
      }
    }
    return phase == Phase.MANIFEST ? Optional.of(current) : Optional.empty();
  }

  /**
   * Finishes the backup: discards unread data, then reads the end position and the command's
   * completion. The connection is idle again afterwards.
   *
   * @return where the backup ends; WAL up to here is needed to restore it
   */
  public BackupPosition end() {
    while (phase == Phase.ARCHIVES || phase == Phase.MANIFEST) {
      if (phase == Phase.ARCHIVES) {
        manifest();
      }
      if (phase == Phase.MANIFEST) {
        skipCurrent();
        if (phase == Phase.MANIFEST) {
          throw new IllegalStateException("manifest stream did not end at COPY end");
        }
      }
    }
    if (phase != Phase.COPY_DONE) {
      throw new IllegalStateException("backup already " + phase.name().toLowerCase());
    }
    try {
      BackupPosition end = null;
      for (QueryResult r : connection.finishQuery()) {
        if (r.columns().size() == 2 && r.rows().size() == 1) {
          end = position(r);
        }
      }
      if (end == null) {
        throw PgErrors.protocol(
            connection.endpoint().display(), "BASE_BACKUP sent no end position");
      }
      phase = Phase.ENDED;
      return end;
    } catch (PgServerException e) {
      phase = Phase.ENDED;
      throw e;
    }
  }

  /**
   * A sub-message: whole ({@code whole} holds it, type byte first), or the data of a {@code d}
   * sub-message whose {@code streamed} bytes are still on the wire.
   */
  private record Sub(byte[] whole, int streamed) {}

  /**
   * The next sub-message that is not progress, or null at the end of the COPY. Archive data is left
   * on the wire, so it is copied once, from the socket's buffer into the reader's array.
   */
  private Sub nextSub() {
    if (pending != null) {
      byte[] m = pending;
      pending = null;
      return new Sub(m, 0);
    }
    while (phase == Phase.ARCHIVES || phase == Phase.MANIFEST) {
      int length = guarded(connection::beginCopyData);
      byte[] m;
      if (length >= 0) {
        if (length == 0) {
          throw PgErrors.protocol(connection.endpoint().display(), "empty CopyData in BASE_BACKUP");
        }
        byte[] type = new byte[1];
        readBody(type, 0, 1);
        if (type[0] == 'd') {
          return new Sub(null, length - 1);
        }
        m = new byte[length];
        m[0] = type[0];
        readBody(m, 1, length - 1);
      } else {
        Optional<byte[]> data = guarded(connection::readCopyData);
        if (data.isEmpty()) {
          phase = Phase.COPY_DONE;
          return null;
        }
        m = data.get();
        if (m.length == 0) {
          throw PgErrors.protocol(connection.endpoint().display(), "empty CopyData in BASE_BACKUP");
        }
      }
      if (m[0] == 'p') {
        if (m.length < 9) {
          throw PgErrors.protocol(connection.endpoint().display(), "truncated progress message");
        }
        serverProgress = ByteBuffer.wrap(m, 1, 8).getLong();
        progressListener.accept(serverProgress);
        continue;
      }
      return new Sub(m, 0);
    }
    return null;
  }

  /** Reads exactly {@code len} bytes of the CopyData body on the wire. */
  private void readBody(byte[] b, int off, int len) {
    int done = 0;
    while (done < len) {
      int n = done;
      done += guarded(() -> connection.readCopyDataBody(b, off + n, len - n));
    }
  }

  /**
   * Runs one read of the connection: a server error ends the backup with the connection usable; any
   * other failure (a broken connection, a protocol error) closes it.
   */
  private <T> T guarded(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (PgServerException e) {
      phase = Phase.ENDED;
      throw e;
    } catch (HardstorageException e) {
      phase = Phase.CLOSED;
      connection.abandon();
      throw e;
    }
  }

  /**
   * The bytes of the current archive or of the manifest: the data sub-messages up to the next other
   * sub-message (kept as {@link #pending}) or the end of the COPY.
   */
  private final class DataStream extends InputStream {
    /** A data sub-message that arrived whole (after a notice): its bytes not yet read. */
    private ByteBuffer whole = ByteBuffer.allocate(0);

    /** Bytes of the current data sub-message still on the wire. */
    private int streamed;

    private boolean ended;

    /** Moves to the next data sub-message if the current one is used up; false at the end. */
    private boolean more() {
      while (!ended && streamed == 0 && !whole.hasRemaining()) {
        if (current != this) {
          ended = true;
          break;
        }
        Sub sub = nextSub();
        if (sub == null) {
          ended = true;
        } else if (sub.whole() == null) {
          streamed = sub.streamed();
          bytesReceived += streamed;
        } else if (sub.whole()[0] == 'd') {
          byte[] m = sub.whole();
          whole = ByteBuffer.wrap(m, 1, m.length - 1);
          bytesReceived += m.length - 1;
        } else if (phase == Phase.ARCHIVES && (sub.whole()[0] == 'n' || sub.whole()[0] == 'm')) {
          pending = sub.whole();
          ended = true;
        } else {
          throw unexpectedSubMessage(
              sub.whole()[0], phase == Phase.MANIFEST ? "in the manifest" : "in an archive");
        }
      }
      return !ended;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!more()) {
        return -1;
      }
      if (streamed > 0) {
        int n = guarded(() -> connection.readCopyDataBody(b, off, Math.min(len, streamed)));
        streamed -= n;
        return n;
      }
      int n = Math.min(len, whole.remaining());
      whole.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return ended ? 0 : whole.remaining();
    }
  }

  private void skipCurrent() {
    if (current != null) {
      byte[] scratch = new byte[8192];
      while (current.read(scratch, 0, scratch.length) >= 0) {
        // discarding unread archive bytes, as documented
      }
      current = null;
    }
  }

  private String cstring(ByteBuffer b) {
    int startPos = b.position();
    int end = startPos;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    if (end >= b.limit()) {
      throw PgErrors.protocol(connection.endpoint().display(), "truncated new-archive message");
    }
    b.position(end + 1);
    return new String(b.array(), startPos, end - startPos, StandardCharsets.UTF_8);
  }

  private HardstorageException unexpectedSubMessage(byte type, String where) {
    connection.abandon();
    phase = Phase.CLOSED;
    return PgErrors.protocol(
        connection.endpoint().display(),
        "unexpected BASE_BACKUP sub-message " + BackendMessage.describe(type) + " " + where);
  }

  /**
   * Stops an unfinished backup: sends a CancelRequest so the server aborts it (and releases its
   * backup state), then closes the connection. Does nothing once {@link #end()} has returned.
   */
  @Override
  public void close() {
    if (phase == Phase.ENDED || phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CLOSED;
    try {
      connection.cancel();
    } finally {
      connection.close();
    }
  }
}
