package org.pghardstorage.ejb.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one decision, shared by the REST API and the console, on whether a request may use the
 * connection it came over: credentials (an {@code Authorization} header, the console's sign-in, a
 * signed-in session) never travel in clear off loopback, and with {@link #HTTPS_ONLY} set nothing
 * does.
 *
 * <p>A connection is <em>secure</em> when it is HTTPS, and <em>local</em> when both its ends are
 * loopback addresses. {@code X-Forwarded-Proto} and {@code X-Forwarded-For} are ignored unless the
 * immediate peer is one of the {@link #TRUSTED_PROXIES}: anyone can send those headers, so
 * believing them from anyone would let a plain-HTTP client claim HTTPS or loopback. A reverse proxy
 * on the server's own host that is <em>not</em> declared makes every request look local; declare
 * it.
 *
 * <p>Settings are MicroProfile Config properties, read here and nowhere else (so {@code asadmin
 * set-config-property --source=domain} changes them without a redeploy).
 */
public record TransportPolicy(boolean httpsOnly, Set<String> trustedProxies) {
  /** {@code true}: refuse every plain-HTTP request that is not local (the production setting). */
  public static final String HTTPS_ONLY = "pghs.transport.https-only";

  /**
   * Comma-separated IP addresses of reverse proxies whose {@code X-Forwarded-Proto} and {@code
   * X-Forwarded-For} are believed. Empty by default: nobody's are.
   */
  public static final String TRUSTED_PROXIES = "pghs.transport.trusted-proxies";

  /**
   * The {@code Strict-Transport-Security} value sent on every HTTPS response: browsers then use
   * HTTPS only for this host for a year (RFC 6797). Without {@code includeSubDomains}: other hosts
   * of the operator's domain are not ours to constrain.
   */
  public static final String HSTS = "max-age=31536000";

  /** The machine-readable code of a refusal (REST problem {@code code}). */
  public static final String REFUSED_CODE = "transport.insecure";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** The policy as configured now. */
  public static TransportPolicy current() {
    Config config = ConfigProvider.getConfig();
    return from(name -> config.getOptionalValue(name, String.class));
  }

  /**
   * The policy from settings looked up by {@code setting}. A value that is not {@code true} or
   * {@code false}, or a proxy that is not an IP address, is refused: a typo must not leave the
   * server quietly less strict than the operator meant.
   */
  public static TransportPolicy from(Function<String, Optional<String>> setting) {
    String httpsOnly = setting.apply(HTTPS_ONLY).map(String::strip).orElse("false");
    if (!httpsOnly.equalsIgnoreCase("true") && !httpsOnly.equalsIgnoreCase("false")) {
      throw new IllegalStateException(
          HTTPS_ONLY + " is '" + httpsOnly + "'; set it to true or false");
    }
    Set<String> proxies =
        Arrays.stream(setting.apply(TRUSTED_PROXIES).orElse("").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(
                p ->
                    address(p)
                        .map(InetAddress::getHostAddress)
                        .orElseThrow(
                            () ->
                                new IllegalStateException(
                                    TRUSTED_PROXIES
                                        + " names '"
                                        + p
                                        + "', which is not an IP address; list the proxies'"
                                        + " addresses, comma-separated")))
            .collect(Collectors.toUnmodifiableSet());
    return new TransportPolicy(Boolean.parseBoolean(httpsOnly), proxies);
  }

  /**
   * What the server knows about one request's connection.
   *
   * @param secure the request arrived over HTTPS ({@code ServletRequest.isSecure()})
   * @param remoteAddr the peer's IP address ({@code getRemoteAddr()})
   * @param localAddr the address the request arrived at ({@code getLocalAddr()})
   * @param forwardedProto {@code X-Forwarded-Proto}, or null
   * @param forwardedFor {@code X-Forwarded-For}, or null
   */
  public record Connection(
      boolean secure,
      String remoteAddr,
      String localAddr,
      String forwardedProto,
      String forwardedFor) {}

  /**
   * Whether the request came over HTTPS, believing a forwarded scheme only from a trusted proxy.
   */
  public boolean secure(Connection c) {
    if (trusted(c.remoteAddr()) && c.forwardedProto() != null) {
      // the first hop's scheme is the one the client used
      return c.forwardedProto().split(",")[0].strip().equalsIgnoreCase("https");
    }
    return c.secure();
  }

  /**
   * Whether both ends are loopback. Behind a trusted proxy the client is the last address the proxy
   * appended to {@code X-Forwarded-For}; a proxy that sends none makes the request not local.
   */
  public boolean local(Connection c) {
    if (!loopback(c.localAddr())) {
      return false;
    }
    if (trusted(c.remoteAddr())) {
      if (c.forwardedFor() == null || c.forwardedFor().isBlank()) {
        return false;
      }
      List<String> hops = Arrays.asList(c.forwardedFor().split(","));
      return loopback(hops.get(hops.size() - 1).strip());
    }
    return loopback(c.remoteAddr());
  }

  /**
   * Why the request must be refused, or empty when it may go on. The reason names no credential and
   * says what to do.
   *
   * @param credentials the request carries credentials (an {@code Authorization} header, a sign-in
   *     form, a signed-in session) or asks for the sign-in form
   */
  public Optional<String> refusal(Connection c, boolean credentials) {
    if (secure(c) || local(c)) {
      return Optional.empty();
    }
    if (httpsOnly) {
      return Optional.of(
          "this server accepts plain HTTP on loopback only ("
              + HTTPS_ONLY
              + " is true); use its HTTPS address");
    }
    if (credentials) {
      return Optional.of(
          "credentials are refused over plain HTTP except on loopback; use the server's HTTPS"
              + " address (the credentials sent may have been seen on the network: change them if"
              + " the network is not trusted)");
    }
    return Optional.empty();
  }

  /** The {@code Strict-Transport-Security} value for a response, or empty over plain HTTP. */
  public Optional<String> strictTransportSecurity(Connection c) {
    return secure(c) ? Optional.of(HSTS) : Optional.empty();
  }

  private boolean trusted(String remoteAddr) {
    return !trustedProxies.isEmpty()
        && address(remoteAddr).map(a -> trustedProxies.contains(a.getHostAddress())).orElse(false);
  }

  /** Whether {@code literal} is an IP address literal of the loopback network (v4, v6, mapped). */
  static boolean loopback(String literal) {
    return address(literal).map(InetAddress::isLoopbackAddress).orElse(false);
  }

  /**
   * The address an IP literal names, never a name lookup: anything else (a host name, garbage) is
   * empty, so that it cannot count as loopback or as a trusted proxy.
   */
  static Optional<InetAddress> address(String literal) {
    if (literal == null) {
      return Optional.empty();
    }
    String s = literal.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    String bare = zone >= 0 ? s.substring(0, zone) : s;
    boolean v4 =
        IPV4.matcher(bare).matches()
            && Arrays.stream(bare.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
    boolean v6 = bare.contains(":") && IPV6.matcher(bare).matches();
    if (!v4 && !v6) {
      return Optional.empty();
    }
    try {
      // a valid literal (checked above): getByName parses it and does no lookup
      return Optional.of(InetAddress.getByName(v6 ? s : bare));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
