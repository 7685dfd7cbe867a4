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
 * carry {@code Strict-Transport-Security}. A session gets a new id on its first signed-in request.
 *
 * <p>The container consumes a POST to {@code j_security_check} before any filter runs, so a client
 * that posts the form without having been shown it is signed in; its session is refused and ended
 * on its next request, here. Mapped first, for REQUEST, FORWARD and ERROR: the container forwards
 * anonymous requests to the sign-in page.
 */
public class ConsoleTransportFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** Session attribute: this session's id was renewed after its user signed in. */
  static final String RENEWED = ConsoleTransportFilter.class.getName() + ".renewed";

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Optional<String> refusal = TransportCheck.apply(req, res, credentials(req));
    if (refusal.isEmpty()) {
      renewOnSignIn(req);
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

  /**
   * Gives a session a new id on its first request as a signed-in user, unless that was done
   * already: an id someone knew before the user signed in (planted, or seen on the sign-in page)
   * must not be the signed-in session's. Payara's FORM authentication changes the id itself when it
   * signs the user in; this holds even if that setting is ever off.
   */
  private static void renewOnSignIn(HttpServletRequest req) {
    if (req.getUserPrincipal() == null) {
      return;
    }
    HttpSession session = req.getSession(false);
    if (session != null && session.getAttribute(RENEWED) == null) {
      req.changeSessionId();
      session.setAttribute(RENEWED, Boolean.TRUE);
    }
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
