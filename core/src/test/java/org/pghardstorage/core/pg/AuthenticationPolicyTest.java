package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.FakeAuthServer.Ask;

/**
 * {@code require_auth} and {@code channel_binding} against every way a server can ask us to
 * authenticate: what is allowed completes the handshake with the expected method, what is not is
 * refused (exit AUTHENTICATION) before the password or anything derived from it is sent.
 */
class AuthenticationPolicyTest {

  /**
   * One row per combination: what the server asks, over TLS or not, the connection's {@code
   * require_auth} ("" = not set) and {@code channel_binding}, and the outcome: the method we
   * authenticated with, or the error code.
   */
  @ParameterizedTest(name = "{0} tls={1} require_auth={2} channel_binding={3} -> {4}")
  @CsvSource({
    // the default refuses what would hand over the password, and allows SCRAM and trust
    "NOTHING,                false, '',                   prefer,  trust",
    "PASSWORD,               false, '',                   prefer,  pg.auth_method_refused",
    "MD5,                    false, '',                   prefer,  pg.auth_method_refused",
    "GSS,                    false, '',                   prefer,  pg.auth_method_refused",
    "SCRAM,                  false, '',                   prefer,  SCRAM-SHA-256",
    "SCRAM,                  true,  '',                   prefer,  SCRAM-SHA-256-PLUS",
    // allowed when the connection string says so
    "PASSWORD,               false, password,             prefer,  password",
    "MD5,                    false, md5,                  prefer,  md5",
    "MD5,                    false, 'md5,scram-sha-256',  prefer,  md5",
    "SCRAM,                  false, 'md5,scram-sha-256',  prefer,  SCRAM-SHA-256",
    "PASSWORD,               false, 'md5,scram-sha-256',  prefer,  pg.auth_method_refused",
    // a list without none requires authentication; with it, trust passes
    "NOTHING,                false, scram-sha-256,        prefer,  pg.auth_method_refused",
    "NOTHING,                false, 'md5,none',           prefer,  trust",
    "SCRAM,                  false, password,             prefer,  pg.auth_method_refused",
    // negated lists: everything but what is listed, no authentication included unless !none
    "PASSWORD,               false, '!md5',               prefer,  password",
    "MD5,                    false, '!md5',               prefer,  pg.auth_method_refused",
    "MD5,                    false, '!password,!md5',     prefer,  pg.auth_method_refused",
    "NOTHING,                false, '!md5',               prefer,  trust",
    "NOTHING,                false, '!none',              prefer,  pg.auth_method_refused",
    "SCRAM,                  false, '!none',              prefer,  SCRAM-SHA-256",
    "GSS,                    false, '!md5',               prefer,  pg.auth_unsupported",
    "SCRAM,                  false, '!scram-sha-256',     prefer,  pg.auth_method_refused",
    // channel binding
    "SCRAM,                  true,  '',                   disable, SCRAM-SHA-256",
    "SCRAM,                  true,  '',                   require, SCRAM-SHA-256-PLUS",
    "SCRAM,                  false, '',                   require, pg.channel_binding_required",
    "SCRAM_WITHOUT_PLUS,     true,  '',                   prefer,  SCRAM-SHA-256",
    "SCRAM_WITHOUT_PLUS,     true,  '',                   require, pg.channel_binding_required",
    "SCRAM_PLUS_WITHOUT_TLS, false, '',                   prefer,  pg.channel_binding_required",
    "SCRAM_PLUS_WITHOUT_TLS, false, '',                   disable, pg.channel_binding_required",
    "NOTHING,                true,  '',                   require, pg.channel_binding_required",
    "PASSWORD,               true,  password,             require, pg.channel_binding_required",
    "MD5,                    true,  md5,                  require, pg.channel_binding_required",
    // a server that does not know the password is caught whatever the policy
    "SCRAM_FORGED_SIGNATURE, false, '',                   prefer,  pg.auth_failed",
    "SCRAM_FORGED_SIGNATURE, true,  '',                   require, pg.auth_failed",
  })
  void everyMethodAgainstEverySetting(
      Ask ask, boolean tls, String requireAuth, String channelBinding, String outcome) {
    FakeAuthServer server = new FakeAuthServer(ask, tls);
    StartupHandshake.Policy policy =
        new StartupHandshake.Policy(
            requireAuth.isEmpty() ? RequireAuth.DEFAULT : RequireAuth.parse(requireAuth),
            ChannelBinding.parse(channelBinding));
    if (outcome.startsWith("pg.")) {
      assertThatThrownBy(() -> server.connect(policy))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(outcome);
                assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
                assertThat(e.getMessage()).contains("db.test:5432");
              });
      if (!outcome.equals("pg.auth_failed")) {
        assertThat(passwordMaterialSent(server))
            .as("nothing derived from the password may reach a refused server")
            .isFalse();
      }
    } else {
      try (PgConnection c = server.connect(policy)) {
        assertThat(c.authenticationMethod()).isEqualTo(outcome);
      }
    }
  }

  /**
   * Whether a PasswordMessage (cleartext or MD5) or a SASLResponse (the SCRAM proof) was sent; a
   * SASLInitialResponse carries only a nonce.
   */
  private static boolean passwordMaterialSent(FakeAuthServer server) {
    long responses = server.received().stream().filter(m -> m.type() == 'p').count();
    return server.mechanism().isPresent() ? responses > 1 : responses > 0;
  }

  @ParameterizedTest(name = "{0} asked, require_auth={1}: suggest {2}")
  @CsvSource({
    "PASSWORD, '',              'require_auth=password,scram-sha-256,none'",
    "MD5,      '',              'require_auth=md5,scram-sha-256,none'",
    "MD5,      'scram-sha-256', 'require_auth=md5,scram-sha-256'",
    "MD5,      '!password,!md5', 'require_auth=!password'",
    "MD5,      '!md5',          'remove require_auth'",
  })
  void aRefusalNamesTheMethodAndTheSettingThatWouldAllowIt(
      Ask ask, String requireAuth, String suggestion) {
    FakeAuthServer server = new FakeAuthServer(ask, false);
    StartupHandshake.Policy policy =
        new StartupHandshake.Policy(
            requireAuth.isEmpty() ? RequireAuth.DEFAULT : RequireAuth.parse(requireAuth),
            ChannelBinding.PREFER);
    String method = ask == Ask.PASSWORD ? "password" : "md5";
    assertThatThrownBy(() -> server.connect(policy))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("asked for authentication method \"" + method + "\"")
                  .contains("role \"backup\"")
                  .contains("nothing was sent");
              assertThat(e.suggestion().orElseThrow())
                  .contains(suggestion)
                  .contains("scram-sha-256 for this role");
            });
    assertThat(server.received()).as("only the startup packet").hasSize(1);
  }

  @ParameterizedTest(name = "channel_binding={0}: GS2 header {1}")
  @CsvSource({
    "disable, 'n,,'",
    "prefer,  'p=tls-server-end-point,,'",
    "require, 'p=tls-server-end-point,,'",
  })
  void channelBindingUsesTheServerCertificate(String channelBinding, String header) {
    FakeAuthServer server = new FakeAuthServer(Ask.SCRAM, true);
    try (PgConnection c =
        server.connect(
            new StartupHandshake.Policy(
                RequireAuth.DEFAULT, ChannelBinding.parse(channelBinding)))) {
      assertThat(server.gs2Header()).contains(header);
      assertThat(c.authenticationMethod()).isEqualTo(server.mechanism().orElseThrow());
    }
  }

  @Test
  void aServerWithoutPlusOverTlsIsToldWeCouldHaveBound() {
    FakeAuthServer server = new FakeAuthServer(Ask.SCRAM_WITHOUT_PLUS, true);
    try (PgConnection c = server.connect(StartupHandshake.Policy.DEFAULT)) {
      // "y": the client supports binding and believes the server does not (RFC 5802 downgrade
      // detection: a server that does support it then refuses)
      assertThat(server.gs2Header()).contains("y,,");
      assertThat(c.authenticationMethod()).isEqualTo("SCRAM-SHA-256");
    }
  }
}
