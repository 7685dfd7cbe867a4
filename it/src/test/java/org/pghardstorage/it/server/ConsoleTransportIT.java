package org.pghardstorage.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PayaraDomain;
import org.pghardstorage.devstack.ServerStack;

/**
 * The console's and the API's transport and session rules, on the real server over raw HTTP, so
 * that every header can be read as the server sent it: HSTS on HTTPS, credentials refused over
 * plain HTTP off loopback (the test server listens on every address; this host's own non-loopback
 * address is "off loopback"), the production setting {@code pghs.transport.https-only}, the session
 * cookie's attributes, the session id changing on sign-in, and {@code up}'s loopback-only
 * listeners.
 */
class ConsoleTransportIT {
  private static final String HSTS = "Strict-Transport-Security";
  private static ServerStack server;
  private static SSLContext trustServer;
  private static String external;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.get();
    trustServer = trusting(server.domain().keyStore());
    external = nonLoopbackAddress();
  }

  @Test
  void httpsResponsesCarryStrictTransportSecurityAndPlainHttpOnesDoNot() {
    Response health = call(https("127.0.0.1", "/api/v1/health"), "GET", Map.of(), null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.header(HSTS)).contains("max-age=31536000");

    Response api =
        call(https(external, "/api/v1/deployments"), "GET", basic(server.viewer()), null);
    assertThat(api.status()).isEqualTo(200);
    assertThat(api.header(HSTS)).contains("max-age=31536000");

    Response loginPage = call(https(external, "/console/"), "GET", Map.of(), null);
    assertThat(loginPage.status()).isEqualTo(200);
    assertThat(loginPage.body()).contains("j_security_check");
    assertThat(loginPage.header(HSTS)).contains("max-age=31536000");

    Response plain = call(http("127.0.0.1", "/api/v1/health"), "GET", Map.of(), null);
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.header(HSTS)).isEmpty();
  }

  @Test
  void apiCredentialsOverPlainHttpOffLoopbackAreRefusedWithoutEchoingThem() {
    ServerStack.User viewer = server.viewer();
    Response refused = call(http(external, "/api/v1/deployments"), "GET", basic(viewer), null);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("Content-Type")).get().asString().contains("problem+json");
    assertThat(refused.body())
        .contains("\"code\":\"transport.insecure\"")
        .contains("use the server's HTTPS address")
        .doesNotContain(viewer.password())
        .doesNotContain(basic(viewer).get("Authorization").substring(6));

    // refused before the token is looked up: 403 transport, not 401 unknown token
    Response bearer =
        call(
            http(external, "/api/v1/deployments"),
            "GET",
            Map.of("Authorization", "Bearer not-a-token-secret"),
            null);
    assertThat(bearer.status()).isEqualTo(403);
    assertThat(bearer.body()).contains("transport.insecure").doesNotContain("not-a-token-secret");

    // X-Forwarded-* from a peer nobody declared a proxy is not believed
    Map<String, String> spoof = new LinkedHashMap<>(basic(viewer));
    spoof.put("X-Forwarded-Proto", "https");
    spoof.put("X-Forwarded-For", "127.0.0.1");
    assertThat(call(http(external, "/api/v1/deployments"), "GET", spoof, null).status())
        .isEqualTo(403);

    // without credentials the API still answers off loopback; with them, on loopback
    assertThat(call(http(external, "/api/v1/health"), "GET", Map.of(), null).status())
        .isEqualTo(200);
    assertThat(call(http("127.0.0.1", "/api/v1/deployments"), "GET", basic(viewer), null).status())
        .isEqualTo(200);
  }

  @Test
  void theConsoleShowsNoSignInFormOverPlainHttpOffLoopbackAndEndsASessionSignedInThere() {
    Response form = call(http(external, "/console/"), "GET", Map.of(), null);
    assertThat(form.status()).isEqualTo(403);
    assertThat(form.body())
        .contains("credentials are refused over plain HTTP except on loopback")
        .doesNotContain("j_security_check");

    // a client that posts the sign-in form anyway: the container signs it in before any filter
    // runs, but the session is refused and ended on its first use
    ServerStack.User operator = server.operator();
    Optional<String> before = sessionCookie(form);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    before.ifPresent(c -> headers.put("Cookie", c));
    Response signIn =
        call(
            http(external, "/console/j_security_check"),
            "POST",
            headers,
            "j_username=" + enc(operator.name()) + "&j_password=" + enc(operator.password()));
    assertThat(signIn.body()).doesNotContain(operator.password());
    String cookie = sessionCookie(signIn).or(() -> before).orElseThrow();

    Response used = call(http(external, "/console/"), "GET", Map.of("Cookie", cookie), null);
    assertThat(used.status()).isEqualTo(403);
    assertThat(used.body()).contains("use the server's HTTPS address");
    // ended: on loopback the same cookie is not signed in
    Response after = call(http("127.0.0.1", "/console/"), "GET", Map.of("Cookie", cookie), null);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.body()).contains("j_security_check");
  }

  @Test
  void theSessionCookieIsHttpOnlySameSiteStrictSecureOnHttpsAndChangesOnSignIn() {
    Response form = call(https("127.0.0.1", "/console/"), "GET", Map.of(), null);
    String anonymous = sessionSetCookie(form).orElseThrow();
    assertThat(attributes(anonymous)).contains("httponly", "secure", "samesite=strict");

    ServerStack.User viewer = server.viewer();
    Response signIn =
        call(
            https("127.0.0.1", "/console/j_security_check"),
            "POST",
            Map.of(
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Cookie",
                cookiePair(anonymous)),
            "j_username=" + enc(viewer.name()) + "&j_password=" + enc(viewer.password()));
    assertThat(signIn.status() / 100).as(signIn.toString()).isEqualTo(3);
    // Payara's FORM sign-in renews the id, and the console does on the first signed-in request
    String afterSignIn = sessionSetCookie(signIn).orElse(anonymous);
    Response overview =
        call(
            https("127.0.0.1", "/console/"),
            "GET",
            Map.of("Cookie", cookiePair(afterSignIn)),
            null);
    assertThat(overview.status()).isEqualTo(200);
    assertThat(overview.body()).doesNotContain("j_security_check").contains(viewer.name());
    String signedIn = sessionSetCookie(overview).orElse(afterSignIn);
    // session fixation: the id known before sign-in is not the signed-in one, nor signed in
    assertThat(cookiePair(signedIn)).isNotEqualTo(cookiePair(anonymous));
    assertThat(attributes(signedIn)).contains("httponly", "secure", "samesite=strict");
    Response old =
        call(https("127.0.0.1", "/console/"), "GET", Map.of("Cookie", cookiePair(anonymous)), null);
    assertThat(old.body()).contains("j_security_check");
    Response current =
        call(https("127.0.0.1", "/console/"), "GET", Map.of("Cookie", cookiePair(signedIn)), null);
    assertThat(current.body()).doesNotContain("j_security_check").contains(viewer.name());

    // over plain HTTP on loopback: the same, but not Secure (the browser would not send it back)
    Response plain = call(http("127.0.0.1", "/console/"), "GET", Map.of(), null);
    List<String> plainAttributes = attributes(sessionSetCookie(plain).orElseThrow());
    assertThat(plainAttributes).contains("httponly", "samesite=strict").doesNotContain("secure");
  }

  @Test
  void httpsOnlyRefusesEveryPlainHttpRequestOffLoopback() {
    try {
      server.domain().setConfigProperty("pghs.transport.https-only", "true");
      Response refused = awaitStatus(http(external, "/api/v1/health"), 403);
      assertThat(refused.body())
          .contains("transport.insecure")
          .contains("pghs.transport.https-only is true");
      Response console =
          call(http(external, "/console/jakarta.faces.resource/x"), "GET", Map.of(), null);
      assertThat(console.status()).isEqualTo(403);
      assertThat(console.body()).contains("use its HTTPS address");
      assertThat(call(http("127.0.0.1", "/api/v1/health"), "GET", Map.of(), null).status())
          .isEqualTo(200);
      Response httpsExternal = call(https(external, "/api/v1/health"), "GET", Map.of(), null);
      assertThat(httpsExternal.status()).isEqualTo(200);
      assertThat(httpsExternal.header(HSTS)).isPresent();
    } finally {
      server.domain().setConfigProperty("pghs.transport.https-only", "false");
      awaitStatus(http(external, "/api/v1/health"), 200);
    }
  }

  @Test
  void upsDomainListensOnLoopbackOnly() throws IOException {
    Path dir = Locations.newRunDir("pghs-it-loopback-");
    PayaraDomain domain = PayaraDomain.create(dir, PayaraDomain.freePortBase(33000), 384);
    domain.bindLoopback();
    try {
      domain.start();
      for (int port : List.of(domain.httpPort(), domain.httpsPort(), domain.adminPort())) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(external, port), 10_000);
          throw new AssertionError(external + ":" + port + " accepted a connection");
        } catch (ConnectException expected) {
          assertThat(expected.getMessage()).contains("refused");
        }
      }
      // not only those three: every socket the domain's process listens on is a loopback one,
      // except two that bindLoopback does not reach yet and that are named here so that no other
      // joins them unnoticed: the embedded JMS broker (port base + 76) and Hazelcast's DAS port
      // (base + 49), which listen on every address although the domain names 127.0.0.1 for
      // Hazelcast (a known gap, in the console reference's transport section)
      long pid = domain.pid().orElseThrow();
      List<InetSocketAddress> listening = listeningAddresses(pid);
      assertThat(listening).isNotEmpty();
      int base = domain.adminPort() - 48;
      assertThat(listening)
          .as("listening sockets of Payara (pid " + pid + ")")
          .allMatch(
              a ->
                  a.getAddress().isLoopbackAddress()
                      || a.getPort() == base + 76
                      || a.getPort() == base + 49);
      // the test server's domain, without bindLoopback, does listen there (the opposite check)
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(external, server.domain().httpPort()), 10_000);
      }
    } finally {
      domain.stop();
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One answer, headers with lower-case names. */
  record Response(int status, Map<String, List<String>> headers, String body) {
    Optional<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(), List.of()).stream().findFirst();
    }

    List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(), List.of());
    }
  }

  private static Response awaitStatus(String url, int status) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    Response r = call(url, "GET", Map.of(), null);
    // Payara's config source may serve a changed property after a while, not at once
    while (r.status() != status && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      r = call(url, "GET", Map.of(), null);
    }
    assertThat(r.status()).as(url + " " + r).isEqualTo(status);
    return r;
  }

  private static Response call(
      String url, String method, Map<String, String> headers, String body) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      if (c instanceof HttpsURLConnection s) {
        s.setSSLSocketFactory(trustServer.getSocketFactory());
        // trust is pinned to exactly the server's own certificate (trusting()); its name is the
        // host name Payara was created on, not the address used here
        s.setHostnameVerifier((host, session) -> true);
      }
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout(10_000);
      c.setReadTimeout(120_000);
      c.setRequestMethod(method);
      headers.forEach(c::setRequestProperty);
      if (body != null) {
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      Map<String, List<String>> h = new TreeMap<>();
      c.getHeaderFields()
          .forEach(
              (k, v) -> {
                if (k != null) {
                  h.put(k.toLowerCase(), v);
                }
              });
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      if (in != null) {
        try (in) {
          in.transferTo(b);
        }
      }
      return new Response(status, h, b.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + url, e);
    }
  }

  private static String http(String host, String path) {
    return "http://" + literal(host) + ":" + server.domain().httpPort() + path;
  }

  private static String https(String host, String path) {
    return "https://" + literal(host) + ":" + server.domain().httpsPort() + path;
  }

  private static String literal(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static Map<String, String> basic(ServerStack.User u) {
    String token = u.name() + ":" + u.password();
    return Map.of(
        "Authorization",
        "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The {@code Set-Cookie} line of the session cookie, if the response sets one. */
  private static Optional<String> sessionSetCookie(Response r) {
    return r.all("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst();
  }

  /** {@code JSESSIONID=...} of a response's {@code Set-Cookie}, to send back. */
  private static Optional<String> sessionCookie(Response r) {
    return sessionSetCookie(r).map(ConsoleTransportIT::cookiePair);
  }

  private static String cookiePair(String setCookie) {
    return setCookie.split(";")[0].strip();
  }

  /** The attributes of a {@code Set-Cookie} line, lower case, without the name=value pair. */
  private static List<String> attributes(String setCookie) {
    String[] parts = setCookie.split(";");
    return java.util.Arrays.stream(parts)
        .skip(1)
        .map(p -> p.strip().toLowerCase())
        .collect(Collectors.toList());
  }

  /** An SSL context that trusts exactly the domain's own HTTPS certificate {@code s1as}. */
  private static SSLContext trusting(Path keyStore) throws IOException, GeneralSecurityException {
    KeyStore domain = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      // a domain created with --nopassword has Payara's default master password
      domain.load(in, "changeit".toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("s1as", domain.getCertificate("s1as"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * The {@code address:port} of every TCP socket process {@code pid} listens on, from {@code
   * /proc/net/tcp} and {@code tcp6} matched by socket inode to the process's descriptors.
   */
  private static List<InetSocketAddress> listeningAddresses(long pid) throws IOException {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // a descriptor closed while listing: not a listening socket we can name
        }
      }
    }
    List<InetSocketAddress> out = new java.util.ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // f[1] local address hex:port, f[3] state (0A = LISTEN), f[9] inode
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          out.add(procAddress(f[1]));
        }
      }
    }
    return out;
  }

  /** {@code 0100007F:1F90} → {@code 127.0.0.1:8080}. */
  private static InetSocketAddress procAddress(String hex) {
    String[] hp = hex.split(":");
    int port = Integer.parseInt(hp[1], 16);
    byte[] raw = java.util.HexFormat.of().parseHex(hp[0]);
    byte[] addr = new byte[raw.length];
    // the kernel prints each 32-bit word in host (little-endian) order
    for (int w = 0; w < raw.length; w += 4) {
      for (int i = 0; i < 4; i++) {
        addr[w + i] = raw[w + 3 - i];
      }
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("cannot read " + hex, e);
    }
  }

  /** An IPv4 address of this host that is not loopback: the test's "off loopback". */
  private static String nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    throw new IllegalStateException(
        "this host has no non-loopback IPv4 address: the transport checks need one");
  }
}
