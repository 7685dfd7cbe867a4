package org.pghardstorage.web.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import org.pghardstorage.ejb.transport.TransportCheck;
import org.pghardstorage.ejb.transport.TransportPolicy;

/**
 * Keeps the console's credentials off plain HTTP off loopback ({@link TransportPolicy}): there the
 * sign-in form is not shown, a signed-in session is refused and ended (its cookie has crossed the
 * network in clear), and so is a request with an {@code Authorization} header. HTTPS responses
 * carry {@code Strict-Transport-Security}.
 *
 * <p>The container consumes a POST to {@code j_security_check} before any filter runs, so a client
 * that posts the form without having been shown it is signed in; its session is refused and ended
 * on its next request, here. Mapped first, for REQUEST, FORWARD and ERROR: the container forwards
 * anonymous requests to the sign-in page.
 */
public class ConsoleTransportFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Optional<String> refusal = TransportCheck.apply(req, res, credentials(req));
    if (refusal.isEmpty()) {
      chain.doFilter(req, res);
      return;
    }
    HttpSession session = req.getSession(false);
    if (session != null && req.getUserPrincipal() != null) {
      session.invalidate();
    }
    res.setStatus(HttpServletResponse.SC_FORBIDDEN);
    res.setContentType("text/plain;charset=UTF-8");
    res.getWriter().println(refusal.get());
  }

  /** Whether the request carries credentials or asks for the sign-in form. */
  static boolean credentials(HttpServletRequest req) {
    String uri = String.valueOf(req.getRequestURI());
    return TransportCheck.authorizationHeader(req)
        || req.getUserPrincipal() != null
        || uri.endsWith("/j_security_check")
        || uri.endsWith("/login.xhtml")
        || uri.endsWith("/login-failed.xhtml");
  }
}
