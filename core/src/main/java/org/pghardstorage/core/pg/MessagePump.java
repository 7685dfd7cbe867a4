package org.pghardstorage.core.pg;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.error.HardstorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads backend messages for one connection and absorbs the asynchronous ones (NoticeResponse to
 * the log, ParameterStatus into {@link #parameters()}, NotificationResponse ignored), so callers
 * only see the messages of the exchange they are in. Also decodes the messages several callers
 * share: ErrorResponse, RowDescription + DataRow result sets, ReadyForQuery.
 */
final class MessagePump {
  private static final Logger LOG = LoggerFactory.getLogger(MessagePump.class);

  private final ProtocolStream io;
  private final String user;
  private final Map<String, String> parameters = Collections.synchronizedMap(new LinkedHashMap<>());
  private BackendMessage pushedBack;
  private char transactionStatus = 'I';

  MessagePump(ProtocolStream io, String user) {
    this.io = io;
    this.user = user;
  }

  ProtocolStream io() {
    return io;
  }

  Map<String, String> parameters() {
    return parameters;
  }

  char transactionStatus() {
    return transactionStatus;
  }

  /** The next message that is not asynchronous. */
  BackendMessage next() {
    if (pushedBack != null) {
      BackendMessage m = pushedBack;
      pushedBack = null;
      return m;
    }
    while (true) {
      BackendMessage m = io.read();
      switch (m.type()) {
        case BackendMessage.NOTICE_RESPONSE -> logNotice(m);
        case BackendMessage.PARAMETER_STATUS ->
            decode(
                () -> {
                  String name = m.cstring();
                  parameters.put(name, m.cstring());
                  return null;
                });
        case BackendMessage.NOTIFICATION ->
            LOG.debug("ignoring NotificationResponse from {}", io.peer());
        default -> {
          return m;
        }
      }
    }
  }

  /** Whether {@link #next()} will return a pushed-back message rather than read one. */
  boolean hasPushedBack() {
    return pushedBack != null;
  }

  /** Makes {@code m} the next message {@link #next()} returns. */
  void pushBack(BackendMessage m) {
    if (pushedBack != null) {
      throw new IllegalStateException("only one message can be pushed back");
    }
    pushedBack = m;
  }

  /** Records a ReadyForQuery's transaction status. */
  void readyForQuery(BackendMessage m) {
    transactionStatus = (char) decode(m::int8).byteValue();
  }

  /**
   * Turns an ErrorResponse into an exception after reading up to ReadyForQuery, so the connection
   * is usable again for non-fatal errors. If the server closes the connection instead (FATAL), the
   * stream is marked broken and the server's error is still the one reported.
   */
  PgServerException serverError(BackendMessage error) {
    PgServerException e = PgServerException.of(errorFields(error), user);
    if (e.isFatal()) {
      io.markBroken();
      return e;
    }
    try {
      while (true) {
        BackendMessage m = next();
        if (m.type() == BackendMessage.READY_FOR_QUERY) {
          readyForQuery(m);
          return e;
        }
      }
    } catch (HardstorageException drainFailure) {
      e.addSuppressed(drainFailure);
      return e;
    }
  }

  /** Parses the fields of an ErrorResponse or NoticeResponse. */
  Map<Character, String> errorFields(BackendMessage m) {
    return decode(
        () -> {
          Map<Character, String> fields = new LinkedHashMap<>();
          while (true) {
            byte type = m.int8();
            if (type == 0) {
              return fields;
            }
            fields.put((char) type, m.cstring());
          }
        });
  }

  /**
   * Reads one result set whose RowDescription is {@code description}: DataRows up to
   * CommandComplete. Replication commands sometimes omit CommandComplete, so any other message also
   * ends the set and is pushed back.
   */
  QueryResult readResultSet(BackendMessage description) {
    List<Column> columns =
        decode(
            () -> {
              int n = description.int16();
              List<Column> cols = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                String name = description.cstring();
                description.int32(); // table OID
                description.int16(); // column number
                int typeOid = description.int32();
                description.int16(); // type size
                description.int32(); // type modifier
                cols.add(new Column(name, typeOid, description.int16() == 0));
              }
              return List.copyOf(cols);
            });
    List<Row> rows = new ArrayList<>();
    while (true) {
      BackendMessage m = next();
      if (m.type() == BackendMessage.DATA_ROW) {
        rows.add(decodeRow(m, columns));
      } else if (m.type() == BackendMessage.COMMAND_COMPLETE) {
        return new QueryResult(columns, rows, Optional.of(decode(m::cstring)));
      } else {
        pushBack(m);
        return new QueryResult(columns, rows, Optional.empty());
      }
    }
  }

  private Row decodeRow(BackendMessage m, List<Column> columns) {
    return decode(
        () -> {
          int n = m.int16();
          if (n != columns.size()) {
            throw protocolError("DataRow has " + n + " columns, RowDescription " + columns.size());
          }
          byte[][] values = new byte[n][];
          for (int i = 0; i < n; i++) {
            int len = m.int32();
            values[i] = len < 0 ? null : m.bytes(len);
          }
          return new Row(columns, values);
        });
  }

  /** Marks the stream broken and describes the violation. */
  HardstorageException protocolError(String what) {
    io.markBroken();
    return PgErrors.protocol(io.peer(), what);
  }

  /** An unexpected message in the current exchange. */
  HardstorageException unexpected(BackendMessage m, String during) {
    if (m.type() == BackendMessage.ERROR_RESPONSE) {
      return serverError(m);
    }
    return protocolError("unexpected message " + BackendMessage.describe(m.type()) + " " + during);
  }

  /** Runs a body decoder, turning a short body into a protocol error. */
  <T> T decode(java.util.function.Supplier<T> decoder) {
    try {
      return decoder.get();
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw protocolError("truncated message body");
    }
  }

  private void logNotice(BackendMessage m) {
    Map<Character, String> f = errorFields(m);
    String severity = Optional.ofNullable(f.get('V')).orElse(f.getOrDefault('S', "NOTICE"));
    String text =
        severity
            + ": "
            + f.getOrDefault('M', "")
            + Optional.ofNullable(f.get('D')).map(d -> " DETAIL: " + d).orElse("");
    switch (severity) {
      case "WARNING" -> LOG.warn("PostgreSQL {}: {}", io.peer(), text);
      case "DEBUG" -> LOG.debug("PostgreSQL {}: {}", io.peer(), text);
      default -> LOG.info("PostgreSQL {}: {}", io.peer(), text);
    }
  }
}
