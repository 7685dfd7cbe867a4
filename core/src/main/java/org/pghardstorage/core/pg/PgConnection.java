package org.pghardstorage.core.pg;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session with a PostgreSQL server over the frontend/backend protocol 3.0: startup,
 * authentication (cleartext, MD5, SCRAM-SHA-256 with channel binding over TLS), TLS, the simple
 * query protocol and the COPY OUT and COPY BOTH sub-protocols.
 *
 * <p>Thread safety: one thread at a time uses a connection; only {@link #cancel()} may be called
 * from another thread while a statement runs. A connection becomes unusable after an I/O failure, a
 * timeout or a FATAL server error; {@link #isUsable()} tells.
 */
public final class PgConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);

  private enum State {
    IDLE,
    QUERY,
    COPY_OUT,
    COPY_BOTH,
    CLOSED
  }

  private final Transport transport;
  private volatile Duration readTimeout = Duration.ZERO;
  private final MessagePump pump;
  private final Endpoint endpoint;
  private final Optional<InetSocketAddress> cancelAddress;
  private final Duration cancelConnectTimeout;
  private final String user;
  private final ReplicationMode replicationMode;
  private volatile int backendPid;
  private volatile byte[] cancelKey = new byte[0];
  private String authenticationMethod = "";
  private State state = State.IDLE;
  private boolean copyClientOpen;
  private boolean copyServerOpen;

  /** Set while {@link #copyIn} runs: the one statement whose COPY IN we feed. */
  private boolean feedingCopyIn;

  PgConnection(
      Transport transport,
      Endpoint endpoint,
      Optional<InetSocketAddress> cancelAddress,
      Duration cancelConnectTimeout,
      String user,
      ReplicationMode replicationMode) {
    this.transport = transport;
    this.endpoint = endpoint;
    this.cancelAddress = cancelAddress;
    this.cancelConnectTimeout = cancelConnectTimeout;
    this.user = user;
    this.replicationMode = replicationMode;
    this.pump =
        new MessagePump(
            new ProtocolStream(transport.input(), transport.output(), endpoint.display()), user);
  }

  /**
   * Connects to the first reachable server of {@code connInfo}, negotiating TLS per its {@code
   * sslmode} and authenticating.
   *
   * @throws PgServerException if the server refuses the session (authentication, pg_hba.conf,
   *     missing database, too many connections…)
   * @throws HardstorageException {@code pg.unreachable} (exit UNREACHABLE) if no server could be
   *     reached, {@code pg.tls_failed} if TLS could not be established as required, {@code
   *     pg.password_missing} (exit AUTHENTICATION) if the server wants a password we do not have,
   *     {@code pg.auth_method_refused} or {@code pg.channel_binding_required} (exit AUTHENTICATION)
   *     if it asks for an authentication method that {@code require_auth} or {@code
   *     channel_binding} does not allow (nothing is sent then)
   */
  public static PgConnection open(ConnInfo connInfo, ConnectOptions options) {
    return Connector.connect(connInfo, options);
  }

  /**
   * Runs startup and authentication under {@code policy} ({@code require_auth}, {@code
   * channel_binding}); called once by the connector.
   */
  void startup(
      Map<String, String> parameters,
      StartupHandshake.PasswordSource passwords,
      StartupHandshake.Policy policy) {
    StartupHandshake.Result r =
        new StartupHandshake(pump, transport.tlsSession(), user, passwords, policy).run(parameters);
    backendPid = r.backendPid();
    cancelKey = r.cancelKey();
    authenticationMethod = r.authenticationMethod();
  }

  // ---- information ----------------------------------------------------------------------------

  /** The server this session is connected to. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The role this session authenticated as. */
  public String user() {
    return user;
  }

  /**
   * How the server authenticated us: {@code trust} (no password asked), {@code password}, {@code
   * md5}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-256-PLUS} (channel-bound to the TLS session).
   */
  public String authenticationMethod() {
    return authenticationMethod;
  }

  /** The kind of session. */
  public ReplicationMode replicationMode() {
    return replicationMode;
  }

  /** The server process id serving this session (0 if the server sent none). */
  public int backendPid() {
    return backendPid;
  }

  /** The current value of a server parameter reported through ParameterStatus. */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(pump.parameters().get(name));
  }

  /** All ParameterStatus values received so far. */
  public Map<String, String> parameters() {
    synchronized (pump.parameters()) {
      return Map.copyOf(pump.parameters());
    }
  }

  /** The {@code server_version} parameter, e.g. {@code 16.4 (Debian 16.4-1)}. */
  public String serverVersion() {
    return parameter("server_version").orElse("");
  }

  /**
   * The server version as {@code server_version_num} writes it (150006 for 15.6). Derived from the
   * {@code server_version} parameter, which every server reports at startup, so no query is needed;
   * {@code server_version_num} itself is not reported before PostgreSQL 18.
   */
  public int serverVersionNum() {
    Optional<String> num = parameter("server_version_num").filter(n -> n.matches("\\d{5,6}"));
    return num.map(Integer::parseInt)
        .orElseGet(() -> ServerVersion.parseVersionNum(serverVersion()));
  }

  /** The transaction status of the last ReadyForQuery: {@code I} idle, {@code T}, {@code E}. */
  public char transactionStatus() {
    return pump.transactionStatus();
  }

  /** The TLS session, if the connection is encrypted. */
  public Optional<SSLSession> tlsSession() {
    return transport.tlsSession();
  }

  /** Whether the connection can still run statements. */
  public boolean isUsable() {
    return state != State.CLOSED && !pump.io().isBroken();
  }

  /** Sets the read timeout; {@link Duration#ZERO} waits forever. */
  public void setReadTimeout(Duration timeout) {
    transport.setReadTimeout(timeout);
    this.readTimeout = timeout;
  }

  /**
   * Waits up to {@code limit} for the server to start sending a message, consuming nothing. Returns
   * false on timeout; the connection stays usable (unlike a timeout inside a read).
   */
  boolean awaitMessage(Duration limit) {
    try {
      return pump.io().awaitReadable(limit, transport::setReadTimeout);
    } finally {
      transport.setReadTimeout(readTimeout);
    }
  }

  // ---- simple query -----------------------------------------------------------------------------

  /**
   * Runs one or more SQL statements (or one replication command) with the simple query protocol and
   * returns one result per statement.
   *
   * @throws PgServerException if a statement fails; the connection stays usable unless the error
   *     was FATAL
   */
  public List<QueryResult> query(String sql) {
    beginQuery(sql);
    return finishQuery();
  }

  /**
   * Runs a statement that must produce exactly one result.
   *
   * @throws HardstorageException {@code pg.unexpected_result} if it produced none or several
   */
  public QueryResult querySingle(String sql) {
    List<QueryResult> results = query(sql);
    if (results.size() != 1) {
      throw new HardstorageException(
          "pg.unexpected_result",
          ExitCode.ERROR,
          "expected one result but got " + results.size() + " for: " + commandName(sql),
          null);
    }
    return results.get(0);
  }

  /**
   * Starts a statement that answers with COPY OUT ({@code COPY … TO STDOUT}) and returns the stream
   * of its data. The connection is busy until the stream is read to its end or closed.
   */
  public CopyOutStream copyOut(String sql) {
    beginQuery(sql);
    expectCopy(BackendMessage.COPY_OUT_RESPONSE, sql);
    return new CopyOutStream(this);
  }

  /**
   * Starts a command that answers with COPY BOTH (START_REPLICATION) and returns the duplex stream.
   */
  public CopyBothStream copyBoth(String sql) {
    beginQuery(sql);
    expectCopy(BackendMessage.COPY_BOTH_RESPONSE, sql);
    return new CopyBothStream(this);
  }

  /**
   * Runs a statement that answers with COPY IN (such as {@code UPLOAD_MANIFEST}), sends {@code
   * data} as CopyData messages of at most 64 KiB followed by CopyDone, and returns the statement's
   * results. A server that fails the statement while we send ignores the rest of the copy data, as
   * the protocol has it, and its error is thrown once everything is sent.
   *
   * @throws PgServerException if the server fails the statement; the connection stays usable unless
   *     the error was FATAL
   */
  public List<QueryResult> copyIn(String sql, byte[] data) {
    beginQuery(sql);
    feedingCopyIn = true;
    Response r;
    try {
      r = nextResponse();
    } finally {
      feedingCopyIn = false;
    }
    if (!(r instanceof Response.CopyStarted c)
        || c.messageType() != BackendMessage.COPY_IN_RESPONSE) {
      if (!(r instanceof Response.Ready)) {
        abandon();
      }
      throw PgErrors.protocol(
          endpoint.display(), "expected a COPY IN response to: " + commandName(sql) + ", got " + r);
    }
    for (int off = 0; off < data.length; off += COPY_IN_CHUNK) {
      pump.io()
          .send(FrontendMessages.copyData(data, off, Math.min(COPY_IN_CHUNK, data.length - off)));
    }
    pump.io().send(FrontendMessages.copyDone());
    return finishQuery();
  }

  private static final int COPY_IN_CHUNK = 64 << 10;

  private void expectCopy(byte type, String sql) {
    Response r = nextResponse();
    if (r instanceof Response.CopyStarted c && c.messageType() == type) {
      return;
    }
    if (!(r instanceof Response.Ready)) {
      abandon();
    }
    throw PgErrors.protocol(
        endpoint.display(),
        "expected "
            + BackendMessage.describe(type)
            + " copy response to: "
            + commandName(sql)
            + ", got "
            + r);
  }

  // ---- exchange steps used by the streams and the replication layer
  // ------------------------------

  void beginQuery(String sql) {
    requireState(State.IDLE, "start a statement");
    pump.io().send(FrontendMessages.query(sql));
    state = State.QUERY;
  }

  /** The next result, copy start or ReadyForQuery of the running statement. */
  Response nextResponse() {
    requireState(State.QUERY, "read a response");
    while (true) {
      BackendMessage m = pump.next();
      switch (m.type()) {
        case BackendMessage.ROW_DESCRIPTION:
          return new Response.Result(pump.readResultSet(m));
        case BackendMessage.COMMAND_COMPLETE:
          return new Response.Result(
              new QueryResult(List.of(), List.of(), Optional.of(pump.decode(m::cstring))));
        case BackendMessage.EMPTY_QUERY:
          continue;
        case BackendMessage.COPY_OUT_RESPONSE:
          state = State.COPY_OUT;
          return new Response.CopyStarted(m.type());
        case BackendMessage.COPY_BOTH_RESPONSE:
          state = State.COPY_BOTH;
          copyClientOpen = true;
          copyServerOpen = true;
          return new Response.CopyStarted(m.type());
        case BackendMessage.COPY_IN_RESPONSE:
          if (feedingCopyIn) {
            // the server is in COPY IN until our CopyDone: stay in QUERY to read its answer then
            return new Response.CopyStarted(m.type());
          }
          // Only copyIn() feeds COPY FROM STDIN; failing it lets the server report a normal error.
          pump.io().send(FrontendMessages.copyFail("pg_hardstorage does not send COPY data"));
          continue;
        case BackendMessage.READY_FOR_QUERY:
          pump.readyForQuery(m);
          state = State.IDLE;
          return new Response.Ready();
        default:
          throw fail(m, "in a query response");
      }
    }
  }

  /** Collects the remaining results up to ReadyForQuery; a COPY here is a protocol error. */
  List<QueryResult> finishQuery() {
    List<QueryResult> results = new ArrayList<>();
    while (true) {
      Response r = nextResponse();
      if (r instanceof Response.Result res) {
        results.add(res.result());
      } else if (r instanceof Response.Ready) {
        return results;
      } else {
        abandon();
        throw PgErrors.protocol(
            endpoint.display(), "statement started COPY; use copyOut() or copyBoth() for it");
      }
    }
  }

  /**
   * The payload of the next CopyData message, or empty when the server ends its side of the copy
   * (CopyDone). The returned array is owned by the caller.
   */
  Optional<byte[]> readCopyData() {
    if (!(state == State.COPY_OUT || (state == State.COPY_BOTH && copyServerOpen))) {
      throw new IllegalStateException("not receiving COPY data (state " + state + ")");
    }
    BackendMessage m = pump.next();
    if (m.type() == BackendMessage.COPY_DATA) {
      return Optional.of(m.bodyArray());
    }
    if (m.type() == BackendMessage.COPY_DONE) {
      if (state == State.COPY_OUT) {
        state = State.QUERY;
      } else {
        copyServerOpen = false;
        if (!copyClientOpen) {
          state = State.QUERY;
        }
      }
      return Optional.empty();
    }
    if (m.type() == BackendMessage.COMMAND_COMPLETE && state == State.COPY_BOTH) {
      // A walsender that is shutting down ends streaming with CommandComplete and exits, without
      // CopyDone (WalSndDone): report that as the server going away.
      abandon();
      throw new HardstorageException(
          "pg.server_shutdown",
          ExitCode.UNREACHABLE,
          "PostgreSQL at " + endpoint.display() + " ended replication because it is shutting down",
          "reconnect once the server is back");
    }
    throw fail(m, "during COPY");
  }

  /**
   * If the next message of a COPY OUT is a CopyData, its body length, the body left on the wire for
   * {@link #readCopyDataBody}, which must read all of it before anything else is read; else -1 and
   * nothing consumed: {@link #readCopyData} then reads what comes (CopyDone, a notice, an error).
   */
  int beginCopyData() {
    if (state != State.COPY_OUT) {
      throw new IllegalStateException("not in COPY OUT (state " + state + ")");
    }
    return pump.hasPushedBack() ? -1 : pump.io().beginCopyData();
  }

  /**
   * Reads part of the body {@link #beginCopyData} left on the wire: at least 1 byte if any left.
   */
  int readCopyDataBody(byte[] b, int off, int len) {
    return pump.io().readBody(b, off, len);
  }

  /** Whether the server side of a COPY BOTH is still sending. */
  boolean copyServerOpen() {
    return state == State.COPY_BOTH && copyServerOpen || state == State.COPY_OUT;
  }

  /** Whether a COPY OUT or COPY BOTH is in progress. */
  boolean inCopy() {
    return (state == State.COPY_OUT || state == State.COPY_BOTH) && !pump.io().isBroken();
  }

  /** Whether we may still send CopyData. */
  boolean copyClientOpen() {
    return state == State.COPY_BOTH && copyClientOpen;
  }

  void sendCopyData(byte[] data, int offset, int length) {
    requireCopyClientOpen();
    pump.io().send(FrontendMessages.copyData(data, offset, length));
  }

  void sendCopyDone() {
    requireCopyClientOpen();
    pump.io().send(FrontendMessages.copyDone());
    copyClientOpen = false;
    if (!copyServerOpen) {
      state = State.QUERY;
    }
  }

  private void requireCopyClientOpen() {
    if (!copyClientOpen()) {
      throw new IllegalStateException("not sending COPY data (state " + state + ")");
    }
  }

  private HardstorageException fail(BackendMessage m, String during) {
    if (m.type() == BackendMessage.ERROR_RESPONSE) {
      PgServerException e = pump.serverError(m);
      state = pump.io().isBroken() ? State.CLOSED : State.IDLE;
      if (state == State.CLOSED) {
        transport.close();
      }
      return e;
    }
    HardstorageException e = pump.unexpected(m, during);
    abandon();
    return e;
  }

  private void requireState(State wanted, String action) {
    if (state == State.CLOSED || pump.io().isBroken()) {
      throw new HardstorageException(
          "pg.connection_closed",
          ExitCode.ERROR,
          "cannot " + action + ": the connection to " + endpoint.display() + " is closed or broken",
          "open a new connection");
    }
    if (state != wanted) {
      throw new IllegalStateException("cannot " + action + " in state " + state);
    }
  }

  // ---- cancel and close ------------------------------------------------------------------------

  /**
   * Asks the server to cancel the statement running on this connection, from any thread. Opens a
   * second connection carrying a CancelRequest; like libpq, waits for the server to close it so the
   * request has been processed. The running statement then fails with SQLSTATE 57014 — unless it
   * finished first, which makes a cancel harmless.
   *
   * @throws HardstorageException {@code pg.unreachable} if the cancel connection fails
   */
  public void cancel() {
    InetSocketAddress address =
        cancelAddress.orElseThrow(
            () -> new IllegalStateException("this connection has no cancel address"));
    CancelRequest.send(address, cancelConnectTimeout, backendPid, cancelKey, endpoint.display());
  }

  /** Closes the connection without any further exchange: used when its state is unknown. */
  void abandon() {
    pump.io().markBroken();
    state = State.CLOSED;
    transport.close();
  }

  /**
   * Ends the session: sends Terminate when the connection is idle and healthy, then closes the
   * socket. A statement still running is abandoned (the server notices the closed socket). Never
   * throws.
   */
  @Override
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.IDLE && !pump.io().isBroken()) {
      try {
        pump.io().send(FrontendMessages.terminate());
      } catch (HardstorageException e) {
        // The server may already be gone; closing the socket below is all that is left to do.
        LOG.debug("sending Terminate to {} failed: {}", endpoint.display(), e.getMessage());
      }
    }
    state = State.CLOSED;
    transport.close();
  }

  /**
   * The first word of a statement, for error messages: statement text may hold secrets (ALTER ROLE
   * … PASSWORD), so it never goes into a message whole.
   */
  static String commandName(String sql) {
    String trimmed = sql.strip();
    int end = 0;
    while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
      end++;
    }
    return end == 0 ? "(statement)" : trimmed.substring(0, end).toUpperCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "PgConnection["
        + endpoint.display()
        + ", user="
        + user
        + ", pid="
        + backendPid
        + ", "
        + state
        + "]";
  }
}
