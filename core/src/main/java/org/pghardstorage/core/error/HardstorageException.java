package org.pghardstorage.core.error;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type that crosses module boundaries. It carries a stable dotted error code (for
 * example {@code storage.unreachable}), the process exit code the command line maps it to, and a
 * suggestion telling the operator what to do next.
 *
 * <p>Messages name the offending value. Secrets never appear in a message.
 */
public class HardstorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final ExitCode exitCode;
  private final String suggestion;

  public HardstorageException(String code, ExitCode exitCode, String message, String suggestion) {
    this(code, exitCode, message, suggestion, null);
  }

  public HardstorageException(
      String code, ExitCode exitCode, String message, String suggestion, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    this.suggestion = suggestion;
  }

  /** Stable machine-readable code, dotted, lower case: {@code area.what}. */
  public String code() {
    return code;
  }

  /** The exit status the command line reports for this error. */
  public ExitCode exitCode() {
    return exitCode;
  }

  /** What the operator should do next, if we know. */
  public Optional<String> suggestion() {
    return Optional.ofNullable(suggestion);
  }
}
