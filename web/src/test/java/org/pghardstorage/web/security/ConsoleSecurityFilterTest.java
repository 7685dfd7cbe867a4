package org.pghardstorage.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.faces.application.ViewExpiredException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

/** Every console response carries the security headers; only the console's own forms can post. */
class ConsoleSecurityFilterTest {
  private final FakeHttp.Request request = new FakeHttp.Request();
  private final FakeHttp.Response response = new FakeHttp.Response();
  private final FakeHttp.Chain chain = new FakeHttp.Chain();

  private void filter() throws Exception {
    new ConsoleSecurityFilter().doFilter(request.proxy(), response.proxy(), chain);
  }

  private void aConsolePostback() {
    request.method = "POST";
    request.headers.put("Origin", "http://console.example:8080");
    request.headers.put("Sec-Fetch-Site", "same-origin");
    request.parameters.put("jakarta.faces.ViewState", "-123456789:987654321");
  }

  @Test
  void aPageCarriesEverySecurityHeaderAndIsNotCached() throws Exception {
    filter();

    assertThat(chain.reached).isTrue();
    assertThat(response.headers)
        .containsEntry("X-Content-Type-Options", "nosniff")
        .containsEntry("X-Frame-Options", "DENY")
        .containsEntry("Referrer-Policy", "same-origin")
        .containsEntry("Cache-Control", "no-store");
    assertThat(response.headers.get("Content-Security-Policy"))
        .contains("default-src 'self'")
        .contains("script-src 'self';")
        .contains("frame-ancestors 'none'")
        .contains("form-action 'self'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
  }

  @Test
  void theLoginPageForwardedToByTheContainerCarriesTheHeadersToo() throws Exception {
    request.dispatcher = DispatcherType.FORWARD;
    request.uri = "/console/login-failed.xhtml";
    request.method = "POST"; // the failed j_security_check POST, forwarded by the container

    filter();

    assertThat(chain.reached).isTrue();
    assertThat(response.headers).containsKeys("Content-Security-Policy", "X-Frame-Options");
  }

  @Test
  void styleSheetsMayBeCachedButStillCarryTheHeaders() throws Exception {
    request.uri = "/console/jakarta.faces.resource/css/console.css.xhtml";

    filter();

    assertThat(response.headers).doesNotContainKey("Cache-Control");
    assertThat(response.headers).containsEntry("X-Content-Type-Options", "nosniff");
  }

  @Test
  void aPostbackFromAConsolePageReachesFaces() throws Exception {
    aConsolePostback();

    filter();

    assertThat(chain.reached).isTrue();
    assertThat(response.status).isEqualTo(200);
  }

  @Test
  void aPostWithoutTheViewStateTokenIsRefused() throws Exception {
    aConsolePostback();
    request.parameters.clear();

    filter();

    assertThat(chain.reached).isFalse();
    assertThat(response.status).isEqualTo(403);
    assertThat(response.body.toString()).contains("jakarta.faces.ViewState");
    assertThat(response.headers).containsEntry("X-Frame-Options", "DENY");
  }

  @Test
  void aPostFromAnotherOriginIsRefusedEvenWithAToken() throws Exception {
    aConsolePostback();
    request.headers.put("Origin", "https://attacker.example");

    filter();

    assertThat(chain.reached).isFalse();
    assertThat(response.status).isEqualTo(403);
    assertThat(response.body.toString()).contains("https://attacker.example");
  }

  @Test
  void aPostFromAnOpaqueOriginOrAnotherSiteIsRefused() throws Exception {
    aConsolePostback();
    request.headers.put("Origin", "null");
    filter();
    assertThat(response.status).isEqualTo(403);

    FakeHttp.Response second = new FakeHttp.Response();
    aConsolePostback();
    request.headers.put("Sec-Fetch-Site", "cross-site");
    new ConsoleSecurityFilter().doFilter(request.proxy(), second.proxy(), chain);
    assertThat(second.status).isEqualTo(403);
    assertThat(second.body.toString()).contains("cross-site");
    assertThat(chain.reached).isFalse();
  }

  @Test
  void aForgedOrStaleViewStateIsA403NotAServerError() throws Exception {
    aConsolePostback();
    chain.toThrow = new ServletException(new ViewExpiredException("no view", "/index.xhtml"));

    filter();

    assertThat(response.status).isEqualTo(403);
    assertThat(response.body.toString()).contains("reload the page");
    assertThat(response.headers).containsEntry("Cache-Control", "no-store");
  }

  @Test
  void otherFailuresAreNotDisguised() throws Exception {
    aConsolePostback();
    ServletException other = new ServletException(new IllegalStateException("a bug"));
    chain.toThrow = other;

    org.assertj.core.api.Assertions.assertThatThrownBy(this::filter).isSameAs(other);
  }
}
