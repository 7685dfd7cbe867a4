package org.pghardstorage.core.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * A scripted walsender for the WAL receiver, streamer and backup tests of other packages (a named
 * fake: nothing real can be stopped between two messages, fail a store write under it, or move a
 * clock between its messages). The script is the replies a PostgreSQL walsender sends, in the order
 * the client asks, built with {@link Backend}; what the client sends is recorded as {@link
 * ScriptedTransport} does.
 *
 * <p>Unlike a plain script, a part can be held back until the client has ended streaming with
 * CopyDone ({@link #whenClientEndsStreaming()}): until then the server is quiet, as a real one with
 * nothing to send, and every quiet poll runs {@link #onQuiet} (to move a test clock). A client that
 * blocks on a reply the script does not hold fails at once with "script stalled"; one that reads
 * past the whole script sees the server close the connection.
 */
public final class ScriptedWalSender {
  private static final Instant SEND_TIME = Instant.parse("2026-12-01T00:00:00Z");

  /** A part of the script, released once the client has sent that many CopyDone messages. */
  private record Stage(int clientCopyDones, Backend replies) {}

  /**
   * A standby status update the client sent.
   *
   * @param write what the client holds
   * @param flush what the client says is durable: the slot may advance to it
   * @param apply what the client says is applied
   * @param replyRequested whether it asked for an immediate keepalive
   */
  public record StatusUpdate(Lsn write, Lsn flush, Lsn apply, boolean replyRequested) {}

  private final List<Stage> stages = new ArrayList<>();
  private int expectedCopyDones;
  private volatile Runnable onQuiet = () -> {};
  private volatile Consumer<StatusUpdate> onStatus = s -> {};
  private Transport transport;

  private ScriptedWalSender(String serverVersion) {
    stages.add(new Stage(0, Backend.script().startup(serverVersion)));
  }

  /** A script that begins with a successful startup of a PostgreSQL 16 walsender. */
  public static ScriptedWalSender script() {
    return new ScriptedWalSender("16.4 (Debian 16.4-1)");
  }

  /** A script that begins with a successful startup of a walsender of this version. */
  public static ScriptedWalSender script(String serverVersion) {
    return new ScriptedWalSender(serverVersion);
  }

  /**
   * The replies to {@code UPLOAD_MANIFEST}: CopyInResponse, then (once the client has sent its data
   * and CopyDone) the completion, or the error if {@code refusal} is given.
   */
  public ScriptedWalSender uploadManifest(Optional<String> refusal) {
    Backend b = replies().copyInResponse();
    if (refusal.isPresent()) {
      b.error("ERROR", "55000", refusal.get()).ready('I');
    } else {
      b.commandComplete("UPLOAD_MANIFEST").ready('I');
    }
    return this;
  }

  /** The manifest the client sent with {@code UPLOAD_MANIFEST}: its CopyData, joined. */
  public byte[] uploadedManifest() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    boolean uploading = false;
    for (ScriptedTransport.Sent m : sent()) {
      if (m.type() == 'Q') {
        uploading = new String(m.body(), StandardCharsets.UTF_8).startsWith("UPLOAD_MANIFEST");
      } else if (uploading && m.type() == 'd') {
        out.writeBytes(m.body());
      }
    }
    return out.toByteArray();
  }

  private Backend replies() {
    return stages.get(stages.size() - 1).replies();
  }

  /** The reply to {@code IDENTIFY_SYSTEM}. */
  public ScriptedWalSender identifySystem(String systemId, long timeline, Lsn xlogPos) {
    replies()
        .rowDescription("systemid", "25", "timeline", "23", "xlogpos", "25", "dbname", "25")
        .dataRow(systemId, Long.toString(timeline), ReplicationConnection.formatLsn(xlogPos), null)
        .commandComplete("IDENTIFY_SYSTEM")
        .ready('I');
    return this;
  }

  /** The reply to {@code SHOW wal_segment_size}, as the server formats it ({@code 1MB}). */
  public ScriptedWalSender walSegmentSize(String shown) {
    return rows("wal_segment_size", shown);
  }

  /** A one-column result, the reply to a query or SHOW. */
  public ScriptedWalSender rows(String column, String... values) {
    Backend b = replies().rowDescription(column, "25");
    for (String v : values) {
      b.dataRow(v);
    }
    b.commandComplete("SELECT " + values.length).ready('I');
    return this;
  }

  /** The reply to {@code READ_REPLICATION_SLOT} for an existing physical slot. */
  public ScriptedWalSender slot(Lsn restartLsn, long restartTimeline) {
    replies()
        .rowDescription("slot_type", "25", "restart_lsn", "25", "restart_tli", "20")
        .dataRow(
            "physical", ReplicationConnection.formatLsn(restartLsn), Long.toString(restartTimeline))
        .commandComplete("READ_REPLICATION_SLOT")
        .ready('I');
    return this;
  }

  /** The reply to {@code CREATE_REPLICATION_SLOT … PHYSICAL}. */
  public ScriptedWalSender slotCreated(String name) {
    replies()
        .rowDescription(
            "slot_name",
            "25",
            "consistent_point",
            "25",
            "snapshot_name",
            "25",
            "output_plugin",
            "25")
        .dataRow(name, "0/0", null, null)
        .commandComplete("CREATE_REPLICATION_SLOT")
        .ready('I');
    return this;
  }

  /** The reply to {@code TIMELINE_HISTORY timeline}. */
  public ScriptedWalSender timelineHistory(long timeline, String content) {
    replies()
        .rowDescription("filename", "25", "content", "17")
        .dataRow(String.format("%08X.history", timeline), content)
        .commandComplete("TIMELINE_HISTORY")
        .ready('I');
    return this;
  }

  /** The CopyBothResponse that starts streaming after {@code START_REPLICATION}. */
  public ScriptedWalSender streaming() {
    replies().copyBothResponse();
    return this;
  }

  /**
   * An XLogData message: {@code wal} starting at {@code start}; the server's WAL ends at {@code
   * serverEnd}.
   */
  public ScriptedWalSender wal(Lsn start, byte[] wal, Lsn serverEnd) {
    replies()
        .copyData(
            ByteBuffer.allocate(25 + wal.length)
                .put((byte) 'w')
                .putLong(start.value())
                .putLong(serverEnd.value())
                .putLong(PgTimestamps.fromInstant(SEND_TIME))
                .put(wal)
                .array());
    return this;
  }

  /** A primary keepalive. */
  public ScriptedWalSender keepalive(Lsn serverEnd, boolean replyRequested) {
    replies()
        .copyData(
            ByteBuffer.allocate(18)
                .put((byte) 'k')
                .putLong(serverEnd.value())
                .putLong(PgTimestamps.fromInstant(SEND_TIME))
                .put((byte) (replyRequested ? 1 : 0))
                .array());
    return this;
  }

  /**
   * The end of a historic timeline: CopyDone, then the next timeline and where it starts. The
   * client answers with CopyDone of its own.
   */
  public ScriptedWalSender endOfTimeline(long nextTimeline, Lsn switchPoint) {
    replies()
        .copyDone()
        .rowDescription("next_tli", "20", "next_tli_startpos", "25")
        .dataRow(Long.toString(nextTimeline), ReplicationConnection.formatLsn(switchPoint))
        .commandComplete("START_STREAMING")
        .ready('I');
    expectedCopyDones++;
    return this;
  }

  /**
   * The replies to {@code BASE_BACKUP}: the start position, the data directory as the only
   * tablespace, the base archive in CopyData pieces, PostgreSQL's backup manifest, and the end
   * position.
   */
  public ScriptedWalSender baseBackup(
      Lsn start, long timeline, byte[] baseTar, byte[] backupManifest, Lsn end) {
    Backend b =
        replies()
            .rowDescription("recptr", "25", "tli", "20")
            .dataRow(ReplicationConnection.formatLsn(start), Long.toString(timeline))
            .commandComplete("SELECT")
            .rowDescription("spcoid", "26", "spclocation", "25", "size", "20")
            .dataRow(null, null, Long.toString(baseTar.length / 1024))
            .commandComplete("SELECT")
            .copyOutResponse()
            .copyData(Backend.concat(new byte[] {'n'}, Backend.cstrings("base.tar", "")));
    for (int at = 0; at < baseTar.length; at += 65536) {
      byte[] piece = Arrays.copyOfRange(baseTar, at, Math.min(baseTar.length, at + 65536));
      b.copyData(Backend.concat(new byte[] {'d'}, piece));
    }
    b.copyData(new byte[] {'m'})
        .copyData(Backend.concat(new byte[] {'d'}, backupManifest))
        .copyDone()
        .rowDescription("recptr", "25", "tli", "20")
        .dataRow(ReplicationConnection.formatLsn(end), Long.toString(timeline))
        .commandComplete("SELECT")
        .commandComplete("BASE_BACKUP")
        .ready('I');
    return this;
  }

  /** An ErrorResponse and ReadyForQuery, as a walsender refusing a command sends. */
  public ScriptedWalSender error(String sqlState, String message) {
    replies().error("ERROR", sqlState, message).ready('I');
    return this;
  }

  /**
   * Holds what follows back until the client ends streaming with CopyDone (the server is quiet
   * until then), and begins it with the server's end of the copy: CopyDone, CommandComplete and
   * ReadyForQuery.
   */
  public ScriptedWalSender whenClientEndsStreaming() {
    expectedCopyDones++;
    stages.add(
        new Stage(
            expectedCopyDones,
            Backend.script().copyDone().commandComplete("START_STREAMING").ready('I')));
    return this;
  }

  /** Runs {@code hook} on every poll that finds the server quiet, on the polling thread. */
  public ScriptedWalSender onQuiet(Runnable hook) {
    this.onQuiet = hook;
    return this;
  }

  /**
   * Runs {@code check} on every standby status update, on the sending thread, at the moment the
   * client sends it (to compare it with what is durable then).
   */
  public ScriptedWalSender onStatus(Consumer<StatusUpdate> check) {
    this.onStatus = check;
    return this;
  }

  /** A replication connection to this script, startup done. Once per script. */
  public ReplicationConnection connect() {
    if (transport != null) {
      throw new IllegalStateException("this script is already connected");
    }
    transport = new StagedTransport();
    PgConnection c =
        new PgConnection(
            transport,
            new Endpoint("walsender.test", Optional.empty(), 5432),
            Optional.empty(),
            Duration.ZERO,
            "replicator",
            ReplicationMode.DATABASE);
    c.startup(
        Map.of("user", "replicator"), () -> Optional.of("pw"), StartupHandshake.Policy.DEFAULT);
    return new ReplicationConnection(c);
  }

  /** The commands (simple queries) the client sent, in order. */
  public List<String> commands() {
    return sent().stream()
        .filter(m -> m.type() == 'Q')
        .map(m -> new String(m.body(), 0, m.body().length - 1, StandardCharsets.UTF_8))
        .toList();
  }

  /** The standby status updates the client sent, in order. */
  public List<StatusUpdate> statusUpdates() {
    return sent().stream().map(ScriptedWalSender::statusUpdate).flatMap(Optional::stream).toList();
  }

  /** Whether the client closed the connection. */
  public boolean closed() {
    return recorder().closed;
  }

  private List<ScriptedTransport.Sent> sent() {
    return recorder().messages();
  }

  private ScriptedTransport recorder() {
    if (transport == null) {
      throw new IllegalStateException("not connected yet");
    }
    return ((StagedTransport) transport).recorder;
  }

  private static Optional<StatusUpdate> statusUpdate(ScriptedTransport.Sent m) {
    if (m.type() != 'd' || m.body().length != 34 || m.body()[0] != 'r') {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(m.body(), 1, 33);
    Lsn write = Lsn.of(b.getLong());
    Lsn flush = Lsn.of(b.getLong());
    Lsn apply = Lsn.of(b.getLong());
    b.getLong(); // the client's clock
    return Optional.of(new StatusUpdate(write, flush, apply, b.get() != 0));
  }

  /** Replays the stages; records what the client sends in a {@link ScriptedTransport}. */
  private final class StagedTransport implements Transport {
    final ScriptedTransport recorder = new ScriptedTransport(new byte[0]);
    private final InputStream in = new StagedInput();
    private final OutputStream out = new Recording();
    private volatile Duration readTimeout = Duration.ZERO;
    private int statusesSeen;

    @Override
    public InputStream input() {
      return in;
    }

    @Override
    public OutputStream output() {
      return out;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
      readTimeout = timeout;
    }

    @Override
    public Optional<SSLSession> tlsSession() {
      return Optional.empty();
    }

    @Override
    public void close() {
      recorder.close();
    }

    private int clientCopyDones() {
      return (int) recorder.messages().stream().filter(m -> m.type() == 'c').count();
    }

    /** Passes bytes to the recorder and reports each status update when the client flushes it. */
    private final class Recording extends OutputStream {
      @Override
      public void write(int b) throws IOException {
        recorder.output().write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        recorder.output().write(b, off, len);
      }

      /** The client flushes whole messages: the moment a status update is sent. */
      @Override
      public void flush() {
        List<StatusUpdate> all = statusUpdates();
        while (statusesSeen < all.size()) {
          onStatus.accept(all.get(statusesSeen++));
        }
      }
    }

    private final class StagedInput extends InputStream {
      private int stage;
      private byte[] bytes = stages.get(0).replies().bytes();
      private int pos;

      /** Moves past exhausted stages; whether bytes of the current one may be read now. */
      private boolean readable() {
        while (pos == bytes.length && stage + 1 < stages.size()) {
          stage++;
          bytes = stages.get(stage).replies().bytes();
          pos = 0;
        }
        return pos < bytes.length && clientCopyDones() >= stages.get(stage).clientCopyDones();
      }

      @Override
      public int available() {
        return readable() ? bytes.length - pos : 0;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (readable()) {
          int n = Math.min(len, bytes.length - pos);
          System.arraycopy(bytes, pos, b, off, n);
          pos += n;
          return n;
        }
        if (pos == bytes.length) {
          return -1; // the whole script was read: the server closes the connection
        }
        if (readTimeout.isZero()) {
          throw new IOException(
              "script stalled: the client waits for a reply held back until it ends streaming");
        }
        onQuiet.run();
        try {
          Thread.sleep(1); // a quiet server: keep a polling thread from spinning
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new SocketTimeoutException("the scripted server is quiet");
      }
    }
  }
}
