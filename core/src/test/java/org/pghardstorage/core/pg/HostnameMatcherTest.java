package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HostnameMatcherTest {
  static X509Certificate withSans;
  static X509Certificate cnOnly;
  static X509Certificate ipSanAndCn;

  @BeforeAll
  static void load() throws Exception {
    withSans = load("sans.crt");
    cnOnly = load("cn.crt");
    ipSanAndCn = load("ip.crt");
  }

  private static X509Certificate load(String name) throws Exception {
    Path file = Path.of(HostnameMatcherTest.class.getResource("tls/" + name).toURI());
    return PemFiles.certificates(file, "test").get(0);
  }

  @Test
  void sanDnsNamesWinOverCommonName() {
    assertThat(HostnameMatcher.matches("db.example.com", withSans)).isTrue();
    assertThat(HostnameMatcher.matches("DB.EXAMPLE.COM", withSans)).isTrue();
    assertThat(HostnameMatcher.matches("ignored.example.com", withSans)).isFalse();
    assertThat(HostnameMatcher.matches("other.example.com", withSans)).isFalse();
  }

  @Test
  void wildcardMatchesExactlyOneLabel() {
    assertThat(HostnameMatcher.matches("a.wild.example.com", withSans)).isTrue();
    assertThat(HostnameMatcher.matches("a.b.wild.example.com", withSans)).isFalse();
    assertThat(HostnameMatcher.matches("wild.example.com", withSans)).isFalse();
    assertThat(HostnameMatcher.nameMatches("*.", "a.")).isFalse();
    assertThat(HostnameMatcher.nameMatches("a\0.example.com", "a")).isFalse();
  }

  @Test
  void commonNameCountsWithoutSans() {
    assertThat(HostnameMatcher.matches("db.example.com", cnOnly)).isTrue();
    assertThat(HostnameMatcher.matches("x.example.com", cnOnly)).isFalse();
  }

  @Test
  void ipAddressesMatchIpSans() {
    assertThat(HostnameMatcher.matches("127.0.0.1", ipSanAndCn)).isTrue();
    assertThat(HostnameMatcher.matches("::1", ipSanAndCn)).isTrue();
    assertThat(HostnameMatcher.matches("0:0:0:0:0:0:0:1", ipSanAndCn)).isTrue();
    assertThat(HostnameMatcher.matches("127.0.0.2", ipSanAndCn)).isFalse();
    // an IP SAN exists, so the CN is not consulted for a DNS name either way
    assertThat(HostnameMatcher.matches("localhost", ipSanAndCn)).isFalse();
    assertThat(HostnameMatcher.isIpLiteral("999.1.1.1")).isFalse();
    assertThat(HostnameMatcher.names(withSans)).contains("db.example.com", "ignored.example.com");
  }
}
