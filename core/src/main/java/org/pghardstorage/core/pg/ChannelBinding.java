package org.pghardstorage.core.pg;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * libpq's {@code channel_binding}: whether SCRAM authentication is bound to the TLS session ({@code
 * SCRAM-SHA-256-PLUS} with {@code tls-server-end-point}), which proves that no TLS-terminating
 * party sits between us and a server that knows the password.
 */
public enum ChannelBinding {
  /** Never bind, even when the server offers it. */
  DISABLE,
  /** Bind when TLS is on and the server offers it (libpq's default). */
  PREFER,
  /**
   * Bind or fail: the server must authenticate us with SCRAM-SHA-256-PLUS over TLS; a server that
   * asks for anything else, or for nothing, is refused before the password is used.
   */
  REQUIRE;

  /**
   * Parses the libpq spelling.
   *
   * @throws HardstorageException {@code pg.conninfo_invalid} (exit USAGE) naming the bad value
   */
  public static ChannelBinding parse(String text) {
    for (ChannelBinding b : values()) {
      if (b.keyword().equals(text)) {
        return b;
      }
    }
    throw new HardstorageException(
        "pg.conninfo_invalid",
        ExitCode.USAGE,
        "invalid channel_binding value: \"" + text + "\"",
        "use one of "
            + Arrays.stream(values())
                .map(ChannelBinding::keyword)
                .collect(Collectors.joining(", ")));
  }

  /** The libpq spelling. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT);
  }
}
