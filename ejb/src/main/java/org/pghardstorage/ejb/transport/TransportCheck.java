package org.pghardstorage.ejb.transport;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Applies the {@link TransportPolicy} to one servlet request; the API's and the console's filters
 * call it first, and each answers a refusal in its own format.
 */
public final class TransportCheck {
  private static final Logger LOG = Logger.getLogger(TransportCheck.class.getName());

  private TransportCheck() {}

  /**
   * Puts {@code Strict-Transport-Security} on the response of an HTTPS request and returns why the
   * request must be refused, or empty when it may go on.
   *
   * @param credentials the request carries credentials or asks for a sign-in form
   */
  public static Optional<String> apply(
      HttpServletRequest req, HttpServletResponse res, boolean credentials) {
    TransportPolicy policy = TransportPolicy.current();
    TransportPolicy.Connection c = connection(req);
    policy.strictTransportSecurity(c).ifPresent(v -> res.setHeader("Strict-Transport-Security", v));
    Optional<String> refusal = policy.refusal(c, credentials);
    // the log names the addresses and the request, never a header's value
    refusal.ifPresent(
        why ->
            LOG.warning(
                () ->
                    "refused "
                        + req.getMethod()
                        + " "
                        + req.getRequestURI()
                        + " from "
                        + c.remoteAddr()
                        + " to "
                        + c.localAddr()
                        + ": "
                        + why));
    return refusal;
  }

  /** The connection facts of {@code req}. */
  public static TransportPolicy.Connection connection(HttpServletRequest req) {
    return new TransportPolicy.Connection(
        req.isSecure(),
        req.getRemoteAddr(),
        req.getLocalAddr(),
        req.getHeader("X-Forwarded-Proto"),
        req.getHeader("X-Forwarded-For"));
  }

  /** Whether {@code req} carries an {@code Authorization} header (any scheme). */
  public static boolean authorizationHeader(HttpServletRequest req) {
    return req.getHeader("Authorization") != null;
  }
}
