package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class ConnInfoTest {
  private static final PgEnvironment EMPTY =
      PgEnvironment.of(Map.of(), Path.of("/home/ops"), "ops");

  private static ConnInfo parse(String s) {
    return ConnInfo.parse(s, EMPTY);
  }

  @Test
  void keywordValueWithQuotingAndEscapes() {
    ConnInfo ci =
        parse(
            " host = db1  port=5433 user='backup user' password='it\\'s \\\\ secret' dbname=a\\ b ");
    assertThat(ci.endpoints()).containsExactly(new Endpoint("db1", Optional.empty(), 5433));
    assertThat(ci.user()).isEqualTo("backup user");
    assertThat(ci.dbname()).isEqualTo("a b");
    assertThat(ci.passwordFor(ci.endpoints().get(0), ReplicationMode.NONE))
        .contains("it's \\ secret");
  }

  @Test
  void defaultsLikeLibpq() {
    ConnInfo ci = parse("");
    assertThat(ci.endpoints()).containsExactly(new Endpoint("localhost", Optional.empty(), 5432));
    assertThat(ci.user()).isEqualTo("ops");
    assertThat(ci.dbname()).isEqualTo("ops");
    assertThat(ci.sslMode()).isEqualTo(SslMode.PREFER);
    assertThat(ci.connectTimeout()).isEmpty();
    assertThat(ci.applicationName()).isEmpty();
    assertThat(ci.defaultSslRootCert()).isEqualTo(Path.of("/home/ops/.postgresql/root.crt"));
    assertThat(ci.passFile()).isEqualTo(Path.of("/home/ops/.pgpass"));
  }

  @Test
  void environmentFillsOnlyUnsetValues() {
    PgEnvironment env =
        PgEnvironment.of(
            Map.of(
                "PGHOST", "envhost",
                "PGPORT", "6000",
                "PGUSER", "envuser",
                "PGDATABASE", "envdb",
                "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", "/etc/ca.pem",
                "PGCONNECT_TIMEOUT", "1",
                "PGAPPNAME", "envapp",
                "PGPASSWORD", "envpw",
                "PGPASSFILE", "/etc/pgpass"),
            Path.of("/home/ops"),
            "ops");
    ConnInfo ci = ConnInfo.parse("host=h2 application_name=mine", env);
    assertThat(ci.endpoints()).containsExactly(new Endpoint("h2", Optional.empty(), 6000));
    assertThat(ci.user()).isEqualTo("envuser");
    assertThat(ci.dbname()).isEqualTo("envdb");
    assertThat(ci.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(ci.sslRootCert()).contains("/etc/ca.pem");
    assertThat(ci.connectTimeout()).contains(Duration.ofSeconds(2));
    assertThat(ci.applicationName()).contains("mine");
    assertThat(ci.passFile()).isEqualTo(Path.of("/etc/pgpass"));
    assertThat(ci.hasExplicitPassword()).isTrue();
    assertThat(ci.toString()).contains("password=********").doesNotContain("envpw");
  }

  @Test
  void uriWithEverything() {
    ConnInfo ci =
        parse(
            "postgresql://back%40up:p%3Ass%2Fw@db.example.com:6543/my%20db"
                + "?sslmode=verify-ca&application_name=hs&connect_timeout=10");
    assertThat(ci.user()).isEqualTo("back@up");
    assertThat(ci.dbname()).isEqualTo("my db");
    assertThat(ci.endpoints())
        .containsExactly(new Endpoint("db.example.com", Optional.empty(), 6543));
    assertThat(ci.sslMode()).isEqualTo(SslMode.VERIFY_CA);
    assertThat(ci.applicationName()).contains("hs");
    assertThat(ci.connectTimeout()).contains(Duration.ofSeconds(10));
    assertThat(ci.passwordFor(ci.endpoints().get(0), ReplicationMode.NONE)).contains("p:ss/w");
    assertThat(ci.redacted()).doesNotContain("p:ss").contains("password=********");
  }

  @Test
  void uriMultiHostAndIpv6() {
    ConnInfo ci = parse("postgres://[::1]:5433,db2,db3:7000/postgres");
    assertThat(ci.endpoints())
        .containsExactly(
            new Endpoint("::1", Optional.empty(), 5433),
            new Endpoint("db2", Optional.empty(), 5432),
            new Endpoint("db3", Optional.empty(), 7000));
    assertThat(ci.endpoints().get(0).display()).isEqualTo("[::1]:5433");
  }

  @Test
  void uriWithoutHostUsesDefaultsAndSslTrue() {
    ConnInfo ci = parse("postgresql:///db?ssl=true&host=h&port=1");
    assertThat(ci.dbname()).isEqualTo("db");
    assertThat(ci.sslMode()).isEqualTo(SslMode.REQUIRE);
    assertThat(ci.endpoints()).containsExactly(new Endpoint("h", Optional.empty(), 1));
    assertThat(parse("postgresql://").endpoints().get(0).host()).isEqualTo("localhost");
  }

  @Test
  void multipleHostsWithOnePortOrOnePerHost() {
    assertThat(parse("host=a,b port=1").endpoints())
        .extracting(Endpoint::port)
        .containsExactly(1, 1);
    assertThat(parse("host=a,b port=1,2").endpoints())
        .extracting(Endpoint::port)
        .containsExactly(1, 2);
    assertThat(parse("host=a,b hostaddr=10.0.0.1,10.0.0.2").endpoints().get(1).hostaddr())
        .contains("10.0.0.2");
    assertThat(parse("hostaddr=127.0.0.1").endpoints().get(0).host()).isEqualTo("127.0.0.1");
    assertUsage(() -> parse("host=a,b port=1,2,3"), "3 port numbers");
    assertUsage(() -> parse("host=a,b hostaddr=1.2.3.4"), "hostaddr");
  }

  @Test
  void rejectsUnknownKeysAndBadValues() {
    assertUsage(() -> parse("host=a foo=bar"), "\"foo\"");
    assertUsage(() -> parse("postgresql://h/db?target_session_attrs=any"), "target_session_attrs");
    assertUsage(() -> parse("sslmode=sometimes"), "'sometimes'");
    assertUsage(() -> parse("port=99999"), "\"99999\"");
    assertUsage(() -> parse("port=abc"), "\"abc\"");
    assertUsage(() -> parse("connect_timeout=soon"), "\"soon\"");
    assertUsage(() -> parse("host"), "missing \"=\" after \"host\"");
    assertUsage(() -> parse("host='abc"), "unterminated");
    assertUsage(() -> parse("host=/var/run/postgresql"), "Unix-domain socket");
    assertUsage(() -> parse("postgresql://h/db%zz"), "\"db%zz\"");
    assertUsage(() -> parse("postgresql://h/db?x"), "malformed");
    assertUsage(() -> parse("postgresql://[::1/db"), "missing \"]\"");
  }

  @Test
  void errorsNeverEchoPasswords() {
    HardstorageException e =
        (HardstorageException) catchThrowable(() -> parse("postgresql://u:sec%zzret@h/db"));
    assertThat(e.getMessage()).doesNotContain("sec").contains("password");
    HardstorageException e2 =
        (HardstorageException) catchThrowable(() -> parse("postgresql://h/db?password=abc=d"));
    assertThat(e2.getMessage()).doesNotContain("abc");
  }

  @Test
  void connectTimeoutSemantics() {
    assertThat(parse("connect_timeout=0").connectTimeout()).isEmpty();
    assertThat(parse("connect_timeout=-5").connectTimeout()).isEmpty();
    assertThat(parse("connect_timeout=1").connectTimeout()).contains(Duration.ofSeconds(2));
    assertThat(parse("connect_timeout=30").connectTimeout()).contains(Duration.ofSeconds(30));
  }

  @Test
  void redactedQuotesValuesAndMasksPassword() {
    ConnInfo ci = parse("host=h password=hunter2 application_name='my app'");
    assertThat(ci.redacted())
        .isEqualTo(
            "host=h password=******** application_name='my app' user=ops dbname=ops sslmode=prefer");
    assertThat(ci.withDbname("other").dbname()).isEqualTo("other");
    assertThat(ci.withApplicationName("x").applicationName()).contains("x");
  }

  @Test
  void withoutPasswordDropsItAndRedactedThenParsesBackToTheSameSettings() {
    PgEnvironment env =
        PgEnvironment.of(Map.of("PGPASSWORD", "from-env"), Path.of("/home/ops"), "ops");
    ConnInfo ci =
        ConnInfo.parse("host=h port=5433 user='backup user' password=hunter2 dbname=d", env);
    ConnInfo safe = ci.withoutPassword();
    assertThat(safe.hasExplicitPassword()).isFalse();
    assertThat(safe.redacted()).doesNotContain("password").doesNotContain("hunter2");
    ConnInfo back = parse(safe.redacted());
    assertThat(back.endpoints()).isEqualTo(ci.endpoints());
    assertThat(back.user()).isEqualTo("backup user");
    assertThat(back.dbname()).isEqualTo("d");
    assertThat(ConnInfo.parse("host=h", env).withoutPassword().hasExplicitPassword()).isFalse();
  }

  @Test
  void withPasswordReplacesTheGivenOneAndStaysRedacted() {
    PgEnvironment env =
        PgEnvironment.of(Map.of("PGPASSWORD", "from-env"), Path.of("/home/ops"), "ops");
    ConnInfo ci = ConnInfo.parse("host=h user=u dbname=d", env).withPassword("it's a secret");
    assertThat(ci.hasExplicitPassword()).isTrue();
    assertThat(ci.passwordFor(ci.endpoints().get(0), ReplicationMode.PHYSICAL))
        .contains("it's a secret");
    assertThat(ci.redacted()).doesNotContain("secret").doesNotContain("from-env");
    assertThat(ci.withoutPassword().hasExplicitPassword()).isFalse();
  }

  @Test
  void requireAuthAndChannelBindingFollowLibpq() {
    ConnInfo unset = parse("host=h");
    assertThat(unset.requireAuth()).isEqualTo(RequireAuth.DEFAULT);
    assertThat(unset.requireAuth().allows(RequireAuth.Method.PASSWORD)).isFalse();
    assertThat(unset.requireAuth().allows(RequireAuth.Method.MD5)).isFalse();
    assertThat(unset.requireAuth().allows(RequireAuth.Method.SCRAM_SHA_256)).isTrue();
    assertThat(unset.requireAuth().allowsNone()).isTrue();
    assertThat(unset.channelBinding()).isEqualTo(ChannelBinding.PREFER);

    RequireAuth list = parse("require_auth='md5, scram-sha-256'").requireAuth();
    assertThat(list.allows(RequireAuth.Method.MD5)).isTrue();
    assertThat(list.allows(RequireAuth.Method.PASSWORD)).isFalse();
    assertThat(list.allowsNone()).as("a plain list without none requires authentication").isFalse();
    assertThat(list.isDefault()).isFalse();

    RequireAuth negated =
        parse("postgresql://h/db?require_auth=!password,!none&channel_binding=require")
            .requireAuth();
    assertThat(negated.allows(RequireAuth.Method.PASSWORD)).isFalse();
    assertThat(negated.allows(RequireAuth.Method.MD5)).isTrue();
    assertThat(negated.allows(RequireAuth.Method.GSS)).isTrue();
    assertThat(negated.allowsNone()).isFalse();
    assertThat(parse("require_auth=!md5").requireAuth().allowsNone()).isTrue();

    PgEnvironment env =
        PgEnvironment.of(
            Map.of("PGREQUIREAUTH", "password", "PGCHANNELBINDING", "disable"),
            Path.of("/home/ops"),
            "ops");
    ConnInfo fromEnv = ConnInfo.parse("host=h", env);
    assertThat(fromEnv.requireAuth().allows(RequireAuth.Method.PASSWORD)).isTrue();
    assertThat(fromEnv.channelBinding()).isEqualTo(ChannelBinding.DISABLE);
    assertThat(
            ConnInfo.parse("host=h require_auth=md5", env)
                .requireAuth()
                .allows(RequireAuth.Method.PASSWORD))
        .as("the string wins over the environment")
        .isFalse();
  }

  @Test
  void badRequireAuthAndChannelBindingAreRefusedLikeLibpqRefusesThem() {
    assertUsage(() -> parse("require_auth=md5,!password"), "cannot be mixed");
    assertUsage(() -> parse("require_auth=!md5,password"), "cannot be mixed");
    assertUsage(() -> parse("require_auth=md5,md5"), "more than once");
    assertUsage(() -> parse("require_auth=none,none"), "more than once");
    assertUsage(() -> parse("require_auth=scram-sha-512"), "\"scram-sha-512\"");
    assertUsage(() -> parse("require_auth=md5,,none"), "invalid require_auth value");
    assertUsage(() -> parse("require_auth=MD5"), "\"MD5\"");
    assertUsage(() -> parse("channel_binding=yes"), "invalid channel_binding value: \"yes\"");
    assertUsage(
        () -> parse("sslmode=disable channel_binding=require"),
        "channel_binding=require needs TLS");
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      throw new AssertionError("expected an exception");
    } catch (HardstorageException e) {
      return e;
    }
  }

  private static void assertUsage(Runnable r, String fragment) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.code()).isEqualTo("pg.conninfo_invalid");
              assertThat(e.suggestion()).isPresent();
            })
        .hasMessageContaining(fragment);
  }
}
