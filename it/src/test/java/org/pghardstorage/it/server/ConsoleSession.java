package org.pghardstorage.it.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.pghardstorage.devstack.ServerStack;

/**
 * A console session held the way a browser holds one, over {@code java.net.http}: the session
 * cookie, FORM sign-in through {@code j_security_check}, redirects not followed so that tests see
 * them. For checks a browser would not let a page make (forged posts, raw headers).
 */
final class ConsoleSession {
  private static final Pattern VIEW_STATE =
      Pattern.compile("name=\"jakarta\\.faces\\.ViewState\"[^>]*value=\"([^\"]+)\"");

  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** A session with no one signed in yet. */
  static ConsoleSession anonymous() {
    return new ConsoleSession();
  }

  /**
   * Signs {@code user} in as a browser does: asks for the overview, is shown the login form, posts
   * it, and is redirected back to the overview.
   */
  static ConsoleSession signIn(ServerStack.User user) {
    ConsoleSession s = new ConsoleSession();
    HttpResponse<String> form = s.get("/console/");
    if (!form.body().contains("j_security_check")) {
      throw new IllegalStateException("no login form at /console/: " + form.body());
    }
    HttpResponse<String> r = s.signInWith(user.name(), user.password());
    if (r.statusCode() / 100 != 3) {
      throw new IllegalStateException(
          "signing in as " + user.name() + " answered " + r.statusCode() + ": " + r.body());
    }
    return s;
  }

  /** Posts the login form. */
  HttpResponse<String> signInWith(String name, String password) {
    return post(
        "/console/j_security_check", Map.of("j_username", name, "j_password", password), Map.of());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** Posts a form, with extra request headers (for example a foreign {@code Origin}). */
  HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    headers.forEach(b::header);
    return send(b);
  }

  /** The view state token of a Faces page, as its forms carry it. */
  static String viewState(String page) {
    Matcher m = VIEW_STATE.matcher(page);
    if (!m.find()) {
      throw new IllegalStateException("no jakarta.faces.ViewState field in: " + page);
    }
    return m.group(1);
  }

  /** The fields of the console's sign-out form, with the given view state or none. */
  static Map<String, String> signOutForm(Optional<String> viewState) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("logout", "logout");
    form.put("logout:sign-out", "Sign out");
    viewState.ifPresent(v -> form.put("jakarta.faces.ViewState", v));
    return form;
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static URI uri(String path) {
    return URI.create(TestServer.get().baseUrl() + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    HttpRequest request = b.timeout(Duration.ofMinutes(2)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
