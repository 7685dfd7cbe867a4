package org.pghardstorage.it.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.pghardstorage.devstack.Locations;
import org.pghardstorage.devstack.PayaraDomain;
import org.pghardstorage.devstack.ServerStack;

/**
 * The server under test, started once per test JVM and shared by all server tests; stopped at JVM
 * exit by devstack's reaper.
 */
public final class TestServer {
  private static ServerStack stack;
  private static RuntimeException startFailure;
  private static Path restoreRoot;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private TestServer() {}

  /** The running stack, starting it on first use. */
  public static synchronized ServerStack get() {
    if (startFailure != null) {
      throw new IllegalStateException("the server failed to start earlier", startFailure);
    }
    if (stack == null) {
      String ear = System.getProperty("pghs.it.ear");
      if (ear == null) {
        throw new IllegalStateException("system property pghs.it.ear is not set (run via Maven)");
      }
      Path runDir = Locations.newRunDir("pghs-it-server-");
      try {
        stack =
            ServerStack.start(
                new ServerStack.Options(
                    runDir,
                    Path.of(ear),
                    0,
                    PayaraDomain.freePortBase(31000),
                    1024,
                    false,
                    // on every address: ConsoleTransportIT reaches it over a non-loopback one
                    false));
        // restores on the server host may write under <runDir>/restores only, and the restored
        // clusters fetch WAL with the staged command line; no other test restores on the server
        restoreRoot = java.nio.file.Files.createDirectories(runDir.resolve("restores"));
        stack.domain().setConfigProperty("pghs.restore.server.roots", restoreRoot.toString());
        stack
            .domain()
            .setConfigProperty(
                "pghs.restore.launcher", org.pghardstorage.it.cli.Cli.launcher().toString());
      } catch (java.io.IOException e) {
        startFailure = new java.io.UncheckedIOException(e);
        throw startFailure;
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return stack;
  }

  /**
   * The one directory the server's restores may write under ({@code pghs.restore.server.roots}).
   */
  public static synchronized Path restoreRoot() {
    get();
    return restoreRoot;
  }

  /** Sends a request, optionally as {@code user}. */
  public static HttpResponse<String> send(
      String method, String path, ServerStack.User user, String jsonBody) {
    return send(method, path, user, jsonBody, "application/json");
  }

  /** Sends a request with an explicit {@code Accept} header. */
  public static HttpResponse<String> send(
      String method, String path, ServerStack.User user, String jsonBody, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(get().baseUrl() + path)).timeout(Duration.ofMinutes(2));
    if (user != null) {
      String token = user.name() + ":" + user.password();
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }
    b.header("Accept", accept);
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates (as admin) deployment {@code name} with a repository that does not exist and its
   * streamer switched off: the server can tell the streamer's state and why the health is unknown,
   * and nothing else. The caller deletes it.
   */
  public static void createUnreadableDeployment(String name) {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/deployments",
            get().admin(),
            "{\"name\": \""
                + name
                + "\", \"conninfo\": \"host=127.0.0.1 port=1 user=nobody dbname=postgres\","
                + " \"repository_url\": \"file:///nonexistent/pghs-"
                + name
                + "\", \"streaming\": false}");
    if (created.statusCode() != 201) {
      throw new IllegalStateException(
          "creating deployment "
              + name
              + " answered "
              + created.statusCode()
              + ": "
              + created.body());
    }
  }
}
