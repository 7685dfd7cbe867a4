package org.pghardstorage.core.pg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * An ErrorResponse from PostgreSQL. Keeps every field the server sent (severity, SQLSTATE, message,
 * detail, hint, …) and maps the SQLSTATE to a dotted code and an exit code, so that, for example, a
 * wrong password exits with {@link ExitCode#AUTHENTICATION} and a full {@code max_wal_senders} with
 * {@link ExitCode#UNREACHABLE}.
 */
public class PgServerException extends HardstorageException {
  private static final long serialVersionUID = 1L;

  private final Map<Character, String> fields;

  PgServerException(Map<Character, String> fields, SqlStates.Classification classification) {
    super(
        classification.code(),
        classification.exitCode(),
        messageOf(fields),
        classification.suggestion().orElse(fields.get('H')));
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * Builds the exception for the fields of an ErrorResponse.
   *
   * @param fields the message's fields by type byte
   * @param user the role we connected as, used in suggestions such as {@code ALTER ROLE …
   *     REPLICATION}
   */
  static PgServerException of(Map<Character, String> fields, String user) {
    return new PgServerException(fields, SqlStates.classify(fields, user));
  }

  private static String messageOf(Map<Character, String> fields) {
    StringBuilder sb = new StringBuilder();
    sb.append(fields.getOrDefault('M', "(no message)"));
    Optional.ofNullable(fields.get('D')).ifPresent(d -> sb.append(" DETAIL: ").append(d));
    sb.append(" (SQLSTATE ").append(fields.getOrDefault('C', "?????")).append(')');
    return sb.toString();
  }

  /** The severity, not localized (ERROR, FATAL or PANIC) where the server sends it. */
  public String severity() {
    return Optional.ofNullable(fields.get('V')).orElse(fields.getOrDefault('S', "ERROR"));
  }

  /** Whether the server ended the session with this error (FATAL or PANIC). */
  public boolean isFatal() {
    return severity().equals("FATAL") || severity().equals("PANIC");
  }

  /** The five-character SQLSTATE, e.g. {@code 28P01}. */
  public String sqlState() {
    return fields.getOrDefault('C', "");
  }

  /** The primary message as the server wrote it. */
  public String serverMessage() {
    return fields.getOrDefault('M', "");
  }

  /** The DETAIL line, if any. */
  public Optional<String> detail() {
    return Optional.ofNullable(fields.get('D'));
  }

  /** The HINT line, if any. */
  public Optional<String> hint() {
    return Optional.ofNullable(fields.get('H'));
  }

  /** Every field of the ErrorResponse, keyed by the protocol's field type byte. */
  public Map<Character, String> fields() {
    return fields;
  }
}
