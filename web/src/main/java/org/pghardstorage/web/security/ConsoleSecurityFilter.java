package org.pghardstorage.web.security;

import jakarta.faces.application.ViewExpiredException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Puts the security headers on every console response and refuses state-changing requests that did
 * not come from a console page.
 *
 * <p>Every action of the console is a Faces postback. With server-side state saving and random
 * state ids (see {@code web.xml}) the {@code jakarta.faces.ViewState} field is a per-session token
 * a cross-site page cannot know; a POST without it would otherwise be rendered as a fresh page
 * request and answered 200, so it is refused here outright, as is a POST whose {@code Origin} or
 * {@code Sec-Fetch-Site} says it came from another site, and one whose view state the server does
 * not know (forged, or stale after a restart): Faces' {@link ViewExpiredException} becomes a 403
 * rather than a server error. The login form's POST to {@code j_security_check} is handled by the
 * container before any filter runs, so it is not affected.
 */
public class ConsoleSecurityFilter extends HttpFilter {
  /**
   * Only our own scripts, styles and forms; no inline script (the console's pages use none, and
   * Faces renders plain submit buttons without inline handlers); never framed.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
          + "base-uri 'self'; object-src 'none'";

  static final String VIEW_STATE = "jakarta.faces.ViewState";

  private static final Logger LOG = Logger.getLogger(ConsoleSecurityFilter.class.getName());
  private static final String RESOURCES = "/jakarta.faces.resource/";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    addHeaders(req, res);
    if (req.getDispatcherType() == DispatcherType.REQUEST
        && !SAFE_METHODS.contains(req.getMethod())) {
      Optional<String> refusal = refusal(req);
      if (refusal.isPresent()) {
        refuse(req, res, refusal.get());
        return;
      }
    }
    try {
      chain.doFilter(req, res);
    } catch (ServletException e) {
      if (!viewExpired(e) || res.isCommitted()) {
        throw e;
      }
      res.reset();
      addHeaders(req, res);
      refuse(
          req,
          res,
          "this page's form is not known to the server (it expired or was not issued by this"
              + " console); reload the page and try again");
    }
  }

  static void addHeaders(HttpServletRequest req, HttpServletResponse res) {
    res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    // Not no-referrer: under it Chromium sends "Origin: null" even on the console's own form posts
    // (Fetch spec), which the Origin check must refuse (ConsoleBrowserIT showed it).
    res.setHeader("Referrer-Policy", "same-origin");
    // Pages show what a signed-in user may see: no copy in any cache. Style sheets and scripts are
    // the same for everyone and may be cached (Faces sets their own caching headers).
    if (!path(req).startsWith(RESOURCES)) {
      res.setHeader("Cache-Control", "no-store");
    }
  }

  /** Why a state-changing request is refused, or empty when it may go on to Faces. */
  static Optional<String> refusal(HttpServletRequest req) {
    String origin = req.getHeader("Origin");
    if (origin != null && !sameOrigin(origin, req.getHeader("Host"))) {
      return Optional.of("cross-site request refused: Origin " + origin + " is not this console");
    }
    String fetchSite = req.getHeader("Sec-Fetch-Site");
    if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
      return Optional.of("cross-site request refused: Sec-Fetch-Site is " + fetchSite);
    }
    String viewState = req.getParameter(VIEW_STATE);
    if (viewState == null || viewState.isBlank()) {
      return Optional.of(
          "request refused: it carries no " + VIEW_STATE + " token; use the console's forms");
    }
    return Optional.empty();
  }

  private static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      // "null" (sandboxed or privacy-sensitive contexts) and anything unparsable is not us.
      return false;
    }
  }

  private static boolean viewExpired(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ViewExpiredException) {
        return true;
      }
    }
    return false;
  }

  private static String path(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    return uri != null && context != null && uri.startsWith(context)
        ? uri.substring(context.length())
        : String.valueOf(uri);
  }

  private static void refuse(HttpServletRequest req, HttpServletResponse res, String why)
      throws IOException {
    LOG.warning(() -> "console: " + why + " (" + req.getMethod() + " " + req.getRequestURI() + ")");
    res.setStatus(HttpServletResponse.SC_FORBIDDEN);
    res.setContentType("text/plain;charset=UTF-8");
    res.getWriter().println(why);
  }
}
