package org.pghardstorage.rest.security;

import jakarta.ejb.EJB;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Optional;
import org.pghardstorage.ejb.token.TokenService;
import org.pghardstorage.ejb.transport.TransportCheck;
import org.pghardstorage.ejb.transport.TransportPolicy;

/**
 * Authenticates API requests by either of two schemes, before the JAX-RS resources see them:
 *
 * <ul>
 *   <li>{@code Authorization: Basic} — a user of the server's {@code file} realm, checked by the
 *       container through {@link HttpServletRequest#login}; roles are the realm groups.
 *   <li>{@code Authorization: Bearer <token>} — an API token from the catalogue (for ITSM and other
 *       machine clients); the principal is {@code token:<name>} with the token's role.
 * </ul>
 *
 * Credentials sent over plain HTTP off loopback are refused before they are checked (403 {@code
 * transport.insecure}, {@link TransportPolicy}); HTTPS responses carry {@code
 * Strict-Transport-Security}. Bad credentials are a 401 here; missing credentials pass through, and
 * {@link RoleCheckFilter} answers 401 for every resource that is not {@link Public}.
 */
@WebFilter(urlPatterns = "/*")
public class ApiAuthenticationFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @EJB private TokenService tokens;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Optional<String> insecure =
        TransportCheck.apply(req, res, TransportCheck.authorizationHeader(req));
    if (insecure.isPresent()) {
      problem(res, 403, "Forbidden", TransportPolicy.REFUSED_CODE, insecure.get());
      return;
    }
    String header = req.getHeader("Authorization");
    if (header == null || req.getUserPrincipal() != null) {
      chain.doFilter(req, res);
    } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      Optional<String[]> userPassword = basic(header.substring(6).trim());
      try {
        if (userPassword.isEmpty()) {
          throw new ServletException("malformed Basic credentials");
        }
        req.login(userPassword.get()[0], userPassword.get()[1]);
      } catch (ServletException e) {
        refuse(res, "the user name or password is wrong");
        return;
      }
      chain.doFilter(req, res);
    } else if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Optional<TokenService.Caller> caller = tokens.authenticate(header.substring(7).trim());
      if (caller.isEmpty()) {
        refuse(res, "the API token is unknown or revoked");
        return;
      }
      chain.doFilter(new TokenRequest(req, caller.get()), res);
    } else {
      refuse(res, "use Basic or Bearer authentication");
    }
  }

  private static Optional<String[]> basic(String encoded) {
    try {
      String s = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      return colon < 0
          ? Optional.empty()
          : Optional.of(new String[] {s.substring(0, colon), s.substring(colon + 1)});
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void refuse(HttpServletResponse res, String detail) throws IOException {
    res.setHeader("WWW-Authenticate", "Basic realm=\"pg_hardstorage\", Bearer");
    problem(res, 401, "Unauthorized", "auth.invalid", detail);
  }

  /** A problem document; {@code detail} is one of our own fixed texts, never request input. */
  private static void problem(
      HttpServletResponse res, int status, String title, String code, String detail)
      throws IOException {
    res.setStatus(status);
    res.setContentType("application/problem+json");
    res.getWriter()
        .write(
            "{\"type\":\"urn:pg_hardstorage:error:"
                + code
                + "\",\"title\":\""
                + title
                + "\",\"status\":"
                + status
                + ",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"code\":\""
                + code
                + "\"}");
  }

  /** A request authenticated by an API token. */
  private static final class TokenRequest extends HttpServletRequestWrapper {
    private final TokenService.Caller caller;
    private final Principal principal;

    TokenRequest(HttpServletRequest req, TokenService.Caller caller) {
      super(req);
      this.caller = caller;
      String name = "token:" + caller.name();
      this.principal = () -> name;
    }

    @Override
    public Principal getUserPrincipal() {
      return principal;
    }

    @Override
    public String getRemoteUser() {
      return principal.getName();
    }

    @Override
    public boolean isUserInRole(String role) {
      return caller.role().equals(role);
    }

    @Override
    public String getAuthType() {
      return "BEARER";
    }
  }
}
