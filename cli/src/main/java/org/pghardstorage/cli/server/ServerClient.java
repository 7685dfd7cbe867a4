package org.pghardstorage.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A small client of the server's REST API v1. Every failure becomes a {@link HardstorageException}:
 * a problem document's code, detail and suggestion with the exit code its HTTP status stands for,
 * or {@code server.unreachable} (exit 8) when no answer came.
 */
public final class ServerClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI api;
  private final Optional<String> authorization;
  private final HttpClient http;

  ServerClient(String url, Optional<String> authorization) {
    this.api = apiBase(url);
    this.authorization = authorization;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** {@code url}'s API root, {@code <url>/api/v1/}, whether or not {@code url} names it already. */
  static URI apiBase(String url) {
    URI u;
    try {
      u = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw badUrl(url, e.getMessage());
    }
    if (u.getScheme() == null
        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        || u.getHost() == null) {
      throw badUrl(url, "it needs http:// or https:// and a host");
    }
    String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
    if (!path.endsWith("/api/v1")) {
      path = path + "/api/v1";
    }
    return u.resolve(path + "/");
  }

  /** The API root this client talks to. */
  public URI api() {
    return api;
  }

  /** GET {@code path} (relative to the API root, e.g. {@code deployments/db1}). */
  public JsonNode get(String path) {
    return send(HttpRequest.newBuilder(api.resolve(path)).GET(), path);
  }

  /** POST {@code body} as JSON to {@code path}. */
  public JsonNode post(String path, Object body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
    return send(
        HttpRequest.newBuilder(api.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)),
        path);
  }

  /**
   * All items of a paginated list ({@code {"items": [...], "next": url}}), following {@code next}
   * until the end or until {@code max} items (0: no limit).
   */
  public ArrayNode items(String path, int max) {
    ArrayNode all = JSON.createArrayNode();
    URI next = api.resolve(path);
    while (next != null) {
      JsonNode page = send(HttpRequest.newBuilder(next).GET(), path);
      for (JsonNode item : page.path("items")) {
        if (max > 0 && all.size() >= max) {
          return all;
        }
        all.add(item);
      }
      String n = page.path("next").asText(null);
      next = n == null || n.isBlank() ? null : api.resolve(n);
    }
    return all;
  }

  /** {@code s} encoded for a path segment or query value. */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(HttpRequest.Builder request, String what) {
    request.timeout(TIMEOUT).header("Accept", "application/json");
    authorization.ifPresent(a -> request.header("Authorization", a));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw unreachable("cannot connect to " + api.getAuthority() + ": " + message(e));
    } catch (HttpTimeoutException e) {
      throw unreachable(
          "no answer from " + api.getAuthority() + " within " + TIMEOUT.toSeconds() + " s");
    } catch (SSLException e) {
      throw new HardstorageException(
          "server.tls_failed",
          ExitCode.UNREACHABLE,
          "TLS with " + api.getAuthority() + " failed: " + message(e),
          "if the server's certificate is signed by a private CA, add it to a trust store and"
              + " pass PGHS_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=FILE\"");
    } catch (IOException e) {
      throw unreachable("talking to " + api.getAuthority() + " failed: " + message(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HardstorageException(
          "server.interrupted", ExitCode.ABORTED, "interrupted while asking the server", null);
    }
    int status = response.statusCode();
    JsonNode body = parse(response.body());
    if (status >= 200 && status < 300) {
      return body == null ? JSON.createObjectNode() : body;
    }
    throw problem(status, body, what);
  }

  /** The exception for an error answer: the server's problem document if it sent one. */
  static HardstorageException problem(int status, JsonNode body, String what) {
    ExitCode exit =
        switch (status) {
          case 400, 415, 422 -> ExitCode.USAGE;
          case 401, 403 -> ExitCode.AUTHENTICATION;
          case 404, 410 -> ExitCode.NOT_FOUND;
          case 409, 412 -> ExitCode.CONFLICT;
          case 502, 503, 504 -> ExitCode.UNREACHABLE;
          default -> ExitCode.ERROR;
        };
    String code = text(body, "code");
    String detail = text(body, "detail");
    if (detail == null) {
      detail = text(body, "title");
    }
    String suggestion = text(body, "suggestion");
    if (code == null) {
      code =
          switch (status) {
            case 401 -> "server.unauthorized";
            case 403 -> "server.forbidden";
            case 404 -> "server.not_found";
            default -> "server.http_" + status;
          };
    }
    if (detail == null) {
      detail =
          switch (status) {
            case 401 -> "the server refused the credentials (HTTP 401)";
            case 403 -> "the server user's role may not do this (HTTP 403)";
            case 404 -> "the server has no " + what + " (HTTP 404)";
            default -> "the server answered HTTP " + status + " for " + what;
          };
    }
    if (suggestion == null) {
      suggestion =
          switch (status) {
            case 401 -> "check --server-user and its password, or the API token";
            case 403 -> "ask an administrator for the operator or admin role";
            default -> null;
          };
    }
    return new HardstorageException(code, exit, detail, suggestion);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null; // an HTML error page from a proxy: the status says enough
    }
  }

  private static String text(JsonNode n, String field) {
    if (n == null || !n.hasNonNull(field)) {
      return null;
    }
    String s = n.get(field).asText();
    return s.isBlank() ? null : s;
  }

  private static String message(Exception e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static HardstorageException unreachable(String message) {
    return new HardstorageException(
        "server.unreachable",
        ExitCode.UNREACHABLE,
        message,
        "check --server (scheme, host, port) and that the server is running");
  }

  private static HardstorageException badUrl(String url, String why) {
    return new HardstorageException(
        "usage.bad_server_url",
        ExitCode.USAGE,
        "'" + url + "' is not a server URL: " + why,
        "e.g. --server https://backup.example.com:8181");
  }
}
