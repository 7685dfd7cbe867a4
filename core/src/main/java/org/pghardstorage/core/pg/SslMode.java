package org.pghardstorage.core.pg;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** libpq's {@code sslmode}, with the same meaning for each value. */
public enum SslMode {
  /** Never TLS. */
  DISABLE,
  /** Plain first; TLS only if the server rejects the plain connection. */
  ALLOW,
  /** TLS if the server offers it, plain otherwise (libpq's default). */
  PREFER,
  /** TLS or fail; the certificate is verified only if a root certificate file exists. */
  REQUIRE,
  /** TLS, and the server certificate must chain to {@code sslrootcert}. */
  VERIFY_CA,
  /** As {@link #VERIFY_CA}, and the certificate must name the host we connected to. */
  VERIFY_FULL;

  /**
   * Parses the libpq spelling ({@code verify-full}).
   *
   * @throws HardstorageException (exit USAGE) naming the bad value and the accepted ones
   */
  public static SslMode parse(String text) {
    for (SslMode mode : values()) {
      if (mode.keyword().equals(text)) {
        return mode;
      }
    }
    throw new HardstorageException(
        "pg.conninfo_invalid",
        ExitCode.USAGE,
        "invalid sslmode '" + text + "'",
        "use one of "
            + Arrays.stream(values()).map(SslMode::keyword).collect(Collectors.joining(", ")));
  }

  /** The libpq spelling. */
  public String keyword() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether a connection without TLS is acceptable. */
  public boolean allowsPlaintext() {
    return this == DISABLE || this == ALLOW || this == PREFER;
  }

  /** Whether the certificate chain must be verified even without a root certificate file. */
  public boolean verifiesChain() {
    return this == VERIFY_CA || this == VERIFY_FULL;
  }
}
