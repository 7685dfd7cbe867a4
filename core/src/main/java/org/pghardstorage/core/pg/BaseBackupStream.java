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

  private CopyDataInputStream current;
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
    while (true) {
      Optional<byte[]> msg = nextSubMessage();
      if (msg.isEmpty()) {
        return Optional.empty();
      }
      byte[] m = msg.get();
      switch (m[0]) {
        case 'n' -> {
          ByteBuffer b = ByteBuffer.wrap(m, 1, m.length - 1);
          String name = cstring(b);
          String location = cstring(b);
          current = CopyDataInputStream.ofBuffers(this::nextDataChunk);
          return Optional.of(
              new BaseBackupArchive(
                  name, Optional.of(location).filter(s -> !s.isEmpty()), current));
        }
        case 'm' -> {
          phase = Phase.MANIFEST;
          current = CopyDataInputStream.ofBuffers(this::nextDataChunk);
          return Optional.empty();
        }
        default -> throw unexpectedSubMessage(m[0], "between archives");
      }
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

  /** Data of the current archive or manifest; empty at the next sub-message or COPY end. */
  private Optional<ByteBuffer> nextDataChunk() {
    while (true) {
      Optional<byte[]> msg = nextSubMessage();
      if (msg.isEmpty()) {
        return Optional.empty();
      }
      byte[] m = msg.get();
      if (m[0] == 'd') {
        bytesReceived += m.length - 1;
        return Optional.of(ByteBuffer.wrap(m, 1, m.length - 1));
      }
      if (m[0] == 'n' && phase == Phase.ARCHIVES || m[0] == 'm' && phase == Phase.ARCHIVES) {
        pending = m;
        return Optional.empty();
      }
      throw unexpectedSubMessage(
          m[0], phase == Phase.MANIFEST ? "in the manifest" : "in an archive");
    }
  }

  /** The next non-progress sub-message, or empty at the end of the COPY. */
  private Optional<byte[]> nextSubMessage() {
    if (pending != null) {
      byte[] m = pending;
      pending = null;
      return Optional.of(m);
    }
    while (phase == Phase.ARCHIVES || phase == Phase.MANIFEST) {
      Optional<byte[]> data = readCopyData();
      if (data.isEmpty()) {
        phase = Phase.COPY_DONE;
        return Optional.empty();
      }
      byte[] m = data.get();
      if (m.length == 0) {
        throw PgErrors.protocol(connection.endpoint().display(), "empty CopyData in BASE_BACKUP");
      }
      if (m[0] == 'p') {
        if (m.length < 9) {
          throw PgErrors.protocol(connection.endpoint().display(), "truncated progress message");
        }
        serverProgress = ByteBuffer.wrap(m, 1, 8).getLong();
        progressListener.accept(serverProgress);
        continue;
      }
      return Optional.of(m);
    }
    return Optional.empty();
  }

  private Optional<byte[]> readCopyData() {
    try {
      return connection.readCopyData();
    } catch (PgServerException e) {
      phase = Phase.ENDED;
      throw e;
    } catch (HardstorageException e) {
      phase = Phase.CLOSED;
      connection.abandon();
      throw e;
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
