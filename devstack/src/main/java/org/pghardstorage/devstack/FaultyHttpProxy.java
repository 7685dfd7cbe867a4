package org.pghardstorage.devstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real storage server that injects what a network and a busy service do
 * to requests, chosen by a seeded random generator: {@code 503 Slow Down} answers, connections
 * dropped before the request is forwarded, responses lost after the request took effect, and slow
 * answers. Not a fake: every request it does not fail reaches the real server (S3Proxy) unchanged,
 * with its {@code Host} header, so signatures still verify. A request that got a fault gets through
 * when it is sent again, so a client that retries always succeeds; what is tested is that it
 * retries, and that a lost response to a conditional create is not mistaken for a conflict.
 *
 * <p>Needs {@code -Djdk.httpclient.allowRestrictedHeaders=host} on the JVM's command line (the
 * {@code it} and {@code storage-s3} modules set it); the constructor fails without it.
 */
public final class FaultyHttpProxy implements AutoCloseable {
  /** What happened to a request. */
  public enum Fault {
    /** Answered 503 Slow Down without forwarding. */
    UNAVAILABLE,
    /** Connection closed before forwarding: the request had no effect. */
    DROPPED,
    /** Forwarded and answered by the server, then the connection closed: the answer is lost. */
    LOST_RESPONSE,
    /** Forwarded after a pause. */
    SLOW
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "te",
          "trailer",
          "proxy-connection");

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService pool;
  private final HttpClient client;
  private final Random random;
  private final double rate;
  private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
  private final AtomicInteger forwarded = new AtomicInteger();
  private final Set<String> failedOnce = new java.util.HashSet<>();
  private final List<Planned> planned = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean enabled;

  /**
   * A proxy on a free loopback port.
   *
   * @param upstream the real server, e.g. {@code http://127.0.0.1:9000}
   * @param seed the random generator's seed
   * @param rate the share of requests that get a fault, below 0.5
   */
  public FaultyHttpProxy(URI upstream, long seed, double rate) throws IOException {
    this.upstream = upstream;
    this.random = new Random(seed);
    this.rate = rate;
    for (Fault f : Fault.values()) {
      injected.put(f, new AtomicInteger());
    }
    this.pool =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "pghs-it-faulty-proxy");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(pool)
            .build();
    try {
      HttpRequest.newBuilder(upstream).header("Host", "probe");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the fault proxy must forward the Host header a request was signed for: start the JVM"
              + " with -Djdk.httpclient.allowRestrictedHeaders=host",
          e);
    }
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's endpoint, to use instead of the server's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Starts or stops injecting faults (requests are forwarded either way). */
  public void enable(boolean on) {
    enabled = on;
  }

  /** How many of each fault were injected. */
  public Map<Fault, Integer> injected() {
    Map<Fault, Integer> out = new EnumMap<>(Fault.class);
    injected.forEach((f, n) -> out.put(f, n.get()));
    return out;
  }

  /** All faults injected. */
  public int total() {
    return injected.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Requests that reached the server. */
  public int forwarded() {
    return forwarded.get();
  }

  /**
   * Gives the next request whose method and path (with query) match {@code request} the fault
   * {@code fault}, whether or not faults are enabled: for tests that need one exact failure.
   */
  public void failNext(java.util.function.Predicate<String> request, Fault fault) {
    planned.add(new Planned(request, fault));
  }

  private record Planned(java.util.function.Predicate<String> request, Fault fault) {}

  /**
   * The fault for a request, if any. A request that failed is let through when it is asked again,
   * so every request gets through on its second attempt.
   */
  private synchronized Fault choose(String request) {
    for (Planned p : planned) {
      if (p.request().test(request)) {
        planned.remove(p);
        return p.fault();
      }
    }
    if (!enabled || failedOnce.remove(request) || random.nextDouble() >= rate) {
      return null;
    }
    failedOnce.add(request);
    return Fault.values()[random.nextInt(Fault.values().length)];
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    // a request is what a client would send again: method, path, query and byte range
    String range = ex.getRequestHeaders().getFirst("Range");
    Fault fault =
        choose(
            ex.getRequestMethod() + " " + ex.getRequestURI() + (range == null ? "" : " " + range));
    if (fault != null) {
      injected.get(fault).incrementAndGet();
    }
    if (fault == Fault.UNAVAILABLE) {
      byte[] xml =
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                  + "<Message>injected by the fault proxy</Message></Error>")
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/xml");
      ex.sendResponseHeaders(503, xml.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(xml);
      }
      return;
    }
    if (fault == Fault.DROPPED) {
      throw new IOException("fault proxy: connection dropped before forwarding");
    }
    if (fault == Fault.SLOW) {
      sleep(300);
    }
    HttpResponse<byte[]> answer = forward(ex, body);
    forwarded.incrementAndGet();
    if (fault == Fault.LOST_RESPONSE) {
      throw new IOException("fault proxy: response lost after the request took effect");
    }
    relay(ex, answer);
  }

  private HttpResponse<byte[]> forward(HttpExchange ex, byte[] body) throws IOException {
    URI target =
        upstream.resolve(
            ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                    ? ""
                    : "?" + ex.getRequestURI().getRawQuery()));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofMinutes(2));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        h.getValue().forEach(v -> b.header(h.getKey(), v));
      }
    }
    // the client signed the Host it connected to: the server must see the same
    b.header("Host", ex.getRequestHeaders().getFirst("Host"));
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while forwarding", e);
    }
  }

  private static void relay(HttpExchange ex, HttpResponse<byte[]> answer) throws IOException {
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!HOP_BY_HOP.contains(lower) || (lower.equals("content-length") && isHead(ex))) {
                values.forEach(v -> ex.getResponseHeaders().add(name, v));
              }
            });
    byte[] content = answer.body();
    if (isHead(ex) || content.length == 0) {
      // a HEAD answer keeps the object's Content-Length header and has no body
      ex.sendResponseHeaders(answer.statusCode(), -1);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(answer.statusCode(), content.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(content);
    }
  }

  private static boolean isHead(HttpExchange ex) {
    return ex.getRequestMethod().equalsIgnoreCase("HEAD");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
