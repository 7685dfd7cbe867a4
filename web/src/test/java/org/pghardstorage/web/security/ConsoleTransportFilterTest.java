package org.pghardstorage.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;

/**
 * Which console requests count as carrying credentials, for the transport decision (whose rules
 * {@code TransportPolicyTest} in module {@code ejb} checks; {@code ConsoleTransportIT} the whole).
 */
class ConsoleTransportFilterTest {
  private final FakeHttp.Request request = new FakeHttp.Request();

  private boolean credentials() {
    return ConsoleTransportFilter.credentials(request.proxy());
  }

  @Test
  void anAnonymousPageOrStyleSheetCarriesNone() {
    assertThat(credentials()).isFalse();
    request.uri = "/console/jakarta.faces.resource/css/console.css.xhtml";
    assertThat(credentials()).isFalse();
  }

  @Test
  void theSignInFormItsPostASignedInSessionAndAnAuthorizationHeaderDo() {
    request.dispatcher = DispatcherType.FORWARD;
    request.uri = "/console/login.xhtml";
    assertThat(credentials()).isTrue();
    request.uri = "/console/login-failed.xhtml";
    assertThat(credentials()).isTrue();

    FakeHttp.Request post = new FakeHttp.Request();
    post.method = "POST";
    post.uri = "/console/j_security_check";
    assertThat(ConsoleTransportFilter.credentials(post.proxy())).isTrue();

    FakeHttp.Request signedIn = new FakeHttp.Request();
    signedIn.user = () -> "alice";
    assertThat(ConsoleTransportFilter.credentials(signedIn.proxy())).isTrue();

    FakeHttp.Request basic = new FakeHttp.Request();
    basic.headers.put("Authorization", "Basic YWxpY2U6c2VjcmV0");
    assertThat(ConsoleTransportFilter.credentials(basic.proxy())).isTrue();
  }
}
