package org.pghardstorage.ejb.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.ejb.transport.TransportPolicy.Connection;

/** The one decision on which connections may carry credentials, or anything at all. */
class TransportPolicyTest {
  private static final TransportPolicy DEFAULT = policy(Map.of());
  private static final TransportPolicy HTTPS_ONLY =
      policy(Map.of(TransportPolicy.HTTPS_ONLY, "true"));

  private static TransportPolicy policy(Map<String, String> settings) {
    return TransportPolicy.from(name -> Optional.ofNullable(settings.get(name)));
  }

  private static Connection plain(String remote, String local) {
    return new Connection(false, remote, local, null, null);
  }

  @Test
  void credentialsOverPlainHttpAreAllowedOnLoopbackV4AndV6Only() {
    assertThat(DEFAULT.refusal(plain("127.0.0.1", "127.0.0.1"), true)).isEmpty();
    assertThat(DEFAULT.refusal(plain("127.3.4.5", "127.0.0.1"), true)).isEmpty();
    assertThat(DEFAULT.refusal(plain("::1", "::1"), true)).isEmpty();
    assertThat(DEFAULT.refusal(plain("0:0:0:0:0:0:0:1", "[::1]"), true)).isEmpty();
    assertThat(DEFAULT.refusal(plain("::ffff:127.0.0.1", "127.0.0.1"), true)).isEmpty();

    assertThat(DEFAULT.refusal(plain("192.0.2.7", "192.0.2.2"), true))
        .get()
        .asString()
        .contains("credentials are refused over plain HTTP except on loopback")
        .contains("HTTPS");
    assertThat(DEFAULT.refusal(plain("fd00::7", "fd00::2"), true)).isPresent();
    // the host talking to itself over its public address is not loopback
    assertThat(DEFAULT.refusal(plain("192.0.2.2", "192.0.2.2"), true)).isPresent();
    // a loopback peer on a non-loopback local address cannot happen on a sane host: refused
    assertThat(DEFAULT.refusal(plain("127.0.0.1", "192.0.2.2"), true)).isPresent();
  }

  @Test
  void withoutCredentialsPlainHttpIsAllowedUnlessHttpsOnly() {
    assertThat(DEFAULT.refusal(plain("192.0.2.7", "192.0.2.2"), false)).isEmpty();
    assertThat(HTTPS_ONLY.refusal(plain("192.0.2.7", "192.0.2.2"), false))
        .get()
        .asString()
        .contains(TransportPolicy.HTTPS_ONLY + " is true")
        .contains("HTTPS");
    assertThat(HTTPS_ONLY.refusal(plain("::1", "::1"), false)).isEmpty();
    assertThat(HTTPS_ONLY.refusal(plain("127.0.0.1", "127.0.0.1"), true)).isEmpty();
  }

  @Test
  void httpsIsAllowedFromAnywhereAndGetsStrictTransportSecurity() {
    Connection https = new Connection(true, "192.0.2.7", "192.0.2.2", null, null);
    assertThat(HTTPS_ONLY.refusal(https, true)).isEmpty();
    assertThat(DEFAULT.strictTransportSecurity(https)).contains("max-age=31536000");
    assertThat(DEFAULT.strictTransportSecurity(plain("127.0.0.1", "127.0.0.1"))).isEmpty();
    // a year at least (RFC 6797 preload lists ask for one)
    long maxAge = Long.parseLong(TransportPolicy.HSTS.replace("max-age=", ""));
    assertThat(maxAge).isGreaterThanOrEqualTo(365L * 24 * 3600);
  }

  @Test
  void forwardedHeadersAreIgnoredFromAnUntrustedPeer() {
    Connection spoofed = new Connection(false, "192.0.2.7", "192.0.2.2", "https", "127.0.0.1");
    assertThat(DEFAULT.secure(spoofed)).isFalse();
    assertThat(DEFAULT.local(spoofed)).isFalse();
    assertThat(DEFAULT.refusal(spoofed, true)).isPresent();
    assertThat(DEFAULT.strictTransportSecurity(spoofed)).isEmpty();
    // a proxy on this host that is not declared: it looks local (documented: declare it)
    TransportPolicy otherProxy = policy(Map.of(TransportPolicy.TRUSTED_PROXIES, "192.0.2.9"));
    assertThat(otherProxy.refusal(spoofed, true)).isPresent();
  }

  @Test
  void aTrustedProxyIsBelievedAboutSchemeAndClient() {
    TransportPolicy behindProxy =
        policy(Map.of(TransportPolicy.TRUSTED_PROXIES, " 127.0.0.1, ::1 "));
    Connection httpsClient =
        new Connection(false, "127.0.0.1", "127.0.0.1", "https", "198.51.100.4");
    assertThat(behindProxy.secure(httpsClient)).isTrue();
    assertThat(behindProxy.refusal(httpsClient, true)).isEmpty();
    assertThat(behindProxy.strictTransportSecurity(httpsClient)).contains(TransportPolicy.HSTS);

    Connection plainClient =
        new Connection(false, "0:0:0:0:0:0:0:1", "::1", "http", "198.51.100.4");
    assertThat(behindProxy.local(plainClient)).isFalse();
    assertThat(behindProxy.refusal(plainClient, true)).isPresent();
    // the client is the last hop the proxy appended, not what the client itself claimed first
    Connection claimsLoopback =
        new Connection(false, "127.0.0.1", "127.0.0.1", "http", "127.0.0.1, 198.51.100.4");
    assertThat(behindProxy.refusal(claimsLoopback, true)).isPresent();
    // a trusted proxy that names no client: not local
    assertThat(behindProxy.local(new Connection(false, "::1", "::1", "http", null))).isFalse();
  }

  @Test
  void onlyIpLiteralsCountNeverNames() {
    assertThat(TransportPolicy.loopback("localhost")).isFalse();
    assertThat(TransportPolicy.loopback("127.0.0.256")).isFalse();
    assertThat(TransportPolicy.loopback("")).isFalse();
    assertThat(TransportPolicy.loopback(null)).isFalse();
    assertThat(TransportPolicy.loopback("127.0.0.1")).isTrue();
    assertThat(TransportPolicy.loopback("[::1]")).isTrue();
  }

  @Test
  void aMistypedSettingIsRefusedNotIgnored() {
    assertThatThrownBy(() -> policy(Map.of(TransportPolicy.HTTPS_ONLY, "yes")))
        .hasMessageContaining(TransportPolicy.HTTPS_ONLY + " is 'yes'; set it to true or false");
    assertThatThrownBy(() -> policy(Map.of(TransportPolicy.TRUSTED_PROXIES, "proxy.example")))
        .hasMessageContaining("'proxy.example', which is not an IP address");
    assertThat(DEFAULT.httpsOnly()).isFalse();
    assertThat(DEFAULT.trustedProxies()).isEmpty();
  }
}
