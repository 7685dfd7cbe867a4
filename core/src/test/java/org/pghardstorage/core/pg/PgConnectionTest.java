package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class PgConnectionTest {

  @Test
  void startupRecordsParametersKeyAndStatus() {
    PgConnection c = ScriptedTransport.connect(Backend.script().startup(), ReplicationMode.NONE);
    assertThat(c.backendPid()).isEqualTo(4242);
    assertThat(c.serverVersion()).startsWith("16.4");
    assertThat(c.serverVersionNum()).isEqualTo(160004);
    assertThat(c.parameter("client_encoding")).contains("UTF8");
    assertThat(c.parameter("nope")).isEmpty();
    assertThat(c.transactionStatus()).isEqualTo('I');
    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(c).messages();
    assertThat(sent.get(0).type()).isEqualTo((char) 0);
    assertThat(ByteBuffer.wrap(sent.get(0).body()).getInt()).isEqualTo(196608);
    c.close();
    assertThat(ScriptedTransport.of(c).messages())
        .last()
        .extracting(ScriptedTransport.Sent::type)
        .isEqualTo('X');
    assertThat(ScriptedTransport.of(c).closed).isTrue();
  }

  @Test
  void cleartextPassword() {
    PgConnection c =
        ScriptedTransport.connect(
            Backend.script().auth(3, new byte[0]).startup(),
            ReplicationMode.NONE,
            allow("password"));
    ScriptedTransport.Sent p = ScriptedTransport.of(c).messages().get(1);
    assertThat(p.type()).isEqualTo('p');
    assertThat(new String(p.body(), StandardCharsets.UTF_8)).isEqualTo("pw\0");
  }

  @Test
  void md5Password() {
    byte[] salt = {1, 2, 3, 4};
    PgConnection c =
        ScriptedTransport.connect(
            Backend.script().auth(5, salt).startup(), ReplicationMode.NONE, allow("md5"));
    ScriptedTransport.Sent p = ScriptedTransport.of(c).messages().get(1);
    // md5(md5("pw" + "backup") + salt), computed independently of the implementation
    assertThat(new String(p.body(), StandardCharsets.US_ASCII))
        .isEqualTo(
            "md5" + md5Hex(Backend.concat(md5Hex("pwbackup".getBytes()).getBytes(), salt)) + "\0");
  }

  private static StartupHandshake.Policy allow(String requireAuth) {
    return new StartupHandshake.Policy(RequireAuth.parse(requireAuth), ChannelBinding.PREFER);
  }

  private static String md5Hex(byte[] in) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("MD5").digest(in));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void missingPasswordNamesTheThreePlacesToSetIt() {
    ScriptedTransport t = new ScriptedTransport(Backend.script().auth(5, new byte[4]).bytes());
    PgConnection c =
        new PgConnection(
            t,
            new Endpoint("h", Optional.empty(), 5432),
            Optional.empty(),
            Duration.ZERO,
            "u",
            ReplicationMode.NONE);
    assertThatThrownBy(() -> c.startup(Map.of("user", "u"), Optional::empty, allow("md5")))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.password_missing");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
              assertThat(e.suggestion().orElseThrow())
                  .contains("password=")
                  .contains("PGPASSWORD")
                  .contains(".pgpass");
            })
        .hasMessageContaining("h:5432");
  }

  @Test
  void unsupportedAuthenticationIsClear() {
    assertThatThrownBy(
            () ->
                ScriptedTransport.connect(
                    Backend.script().auth(7, new byte[0]), ReplicationMode.NONE, allow("gss")))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.auth_unsupported"))
        .hasMessageContaining("GSSAPI");
  }

  @Test
  void fatalStartupErrorKeepsAllFields() {
    Backend script =
        Backend.script()
            .error(
                new java.util.LinkedHashMap<>(
                    Map.of(
                        'S', "FATAL",
                        'V', "FATAL",
                        'C', "28P01",
                        'M', "password authentication failed for user \"backup\"",
                        'R', "auth_failed")));
    assertThatThrownBy(() -> ScriptedTransport.connect(script, ReplicationMode.NONE))
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo("28P01");
              assertThat(e.severity()).isEqualTo("FATAL");
              assertThat(e.isFatal()).isTrue();
              assertThat(e.code()).isEqualTo("pg.auth_failed");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
              assertThat(e.fields()).containsEntry('R', "auth_failed");
              assertThat(e.suggestion().orElseThrow()).contains("PGPASSWORD");
            });
  }

  @Test
  void queryReturnsTypedResultsAndTags() {
    Backend script =
        Backend.script()
            .startup()
            .rowDescription("n", "20", "t", "25", "b", "16", "l", "3220")
            .dataRow("42", "text", "t", "0/16B3748")
            .dataRow("-1", null, "f", "A/0")
            .commandComplete("SELECT 2")
            .notice(Map.of('S', "NOTICE", 'M', "just saying"))
            .parameter("application_name", "changed")
            .commandComplete("CREATE TABLE")
            .message('I', new byte[0])
            .ready('T');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.NONE);
    List<QueryResult> results = c.query("select ...; create table ...; ;");
    assertThat(results).hasSize(2);
    QueryResult r = results.get(0);
    assertThat(r.commandTag()).contains("SELECT 2");
    assertThat(r.columns()).extracting(Column::name).containsExactly("n", "t", "b", "l");
    assertThat(r.columns().get(0).typeOid()).isEqualTo(20);
    Row first = r.rows().get(0);
    assertThat(first.getLong("n")).isEqualTo(42);
    assertThat(first.getInt(0)).isEqualTo(42);
    assertThat(first.getString("t")).isEqualTo("text");
    assertThat(first.getBoolean("b")).isTrue();
    assertThat(first.getLsn("l")).isEqualTo(Lsn.parse("0/16B3748"));
    Row second = r.rows().get(1);
    assertThat(second.isNull("t")).isTrue();
    assertThat(second.getOptionalString(1)).isEmpty();
    assertThat(second.getBoolean(2)).isFalse();
    assertThatThrownBy(() -> second.getString("t"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("\"t\" is NULL");
    assertThatThrownBy(() -> second.getLong("nope")).hasMessageContaining("no column \"nope\"");
    assertThat(results.get(1).commandTag()).contains("CREATE TABLE");
    assertThat(results.get(1).columns()).isEmpty();
    assertThat(c.parameter("application_name")).contains("changed");
    assertThat(c.transactionStatus()).isEqualTo('T');
    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(c).messages();
    assertThat(sent.get(sent.size() - 1).type()).isEqualTo('Q');
    assertThat(new String(sent.get(sent.size() - 1).body(), StandardCharsets.UTF_8))
        .isEqualTo("select ...; create table ...; ;\0");
  }

  @Test
  void resultSetsWithoutCommandCompleteAreSplit() {
    Backend script =
        Backend.script()
            .startup()
            .rowDescription("a", "25")
            .dataRow("1")
            .rowDescription("b", "25")
            .dataRow("2")
            .commandComplete("SELECT")
            .ready('I');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.DATABASE);
    List<QueryResult> results = c.query("X");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).commandTag()).isEmpty();
    assertThat(results.get(0).singleRow().getString("a")).isEqualTo("1");
    assertThat(results.get(1).commandTag()).contains("SELECT");
  }

  @Test
  void nonFatalErrorLeavesConnectionUsable() {
    Backend script =
        Backend.script()
            .startup()
            .error("ERROR", "22012", "division by zero")
            .ready('I')
            .rowDescription("x", "23")
            .dataRow("2")
            .commandComplete("SELECT 1")
            .ready('I');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.NONE);
    assertThatThrownBy(() -> c.query("select 1/0"))
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.server_error");
              assertThat(e.serverMessage()).isEqualTo("division by zero");
            })
        .hasMessageContaining("SQLSTATE 22012");
    assertThat(c.isUsable()).isTrue();
    assertThat(c.querySingle("select 2").singleRow().getInt("x")).isEqualTo(2);
  }

  @Test
  void connectionLostAndBadFramingBreakTheConnection() {
    PgConnection eof = ScriptedTransport.connect(Backend.script().startup(), ReplicationMode.NONE);
    assertThatThrownBy(() -> eof.query("select 1"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.connection_lost");
              assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            })
        .hasMessageContaining("db.test:5432");
    assertThat(eof.isUsable()).isFalse();
    assertThatThrownBy(() -> eof.query("select 1")).hasMessageContaining("closed or broken");

    Backend bad = Backend.script().startup().raw(new byte[] {'T', 0, 0, 0, 2});
    PgConnection c = ScriptedTransport.connect(bad, ReplicationMode.NONE);
    assertThatThrownBy(() -> c.query("select 1"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("pg.protocol_violation"))
        .hasMessageContaining("invalid length 2");

    Backend truncated = Backend.script().startup().message('T', new byte[] {0, 1, 'a'});
    PgConnection t = ScriptedTransport.connect(truncated, ReplicationMode.NONE);
    assertThatThrownBy(() -> t.query("select 1")).hasMessageContaining("truncated");
  }

  @Test
  void copyOutStreamsDataThenResults() throws Exception {
    Backend script =
        Backend.script()
            .startup()
            .copyOutResponse()
            .copyData("1\tone\n".getBytes())
            .copyData("2\ttwo\n".getBytes())
            .copyDone()
            .commandComplete("COPY 2")
            .ready('I');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.NONE);
    try (CopyOutStream copy = c.copyOut("COPY t TO STDOUT")) {
      InputStream in = copy.asInputStream();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("1\tone\n2\ttwo\n");
      assertThat(copy.isFinished()).isTrue();
      assertThat(copy.results())
          .singleElement()
          .extracting(r -> r.commandTag().orElseThrow())
          .isEqualTo("COPY 2");
    }
    assertThat(c.isUsable()).isTrue();
  }

  @Test
  void errorInsideCopySurfacesFromRead() {
    Backend script =
        Backend.script()
            .startup()
            .copyOutResponse()
            .copyData("x".getBytes())
            .error("ERROR", "57014", "canceling statement due to user request")
            .ready('I');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.NONE);
    CopyOutStream copy = c.copyOut("COPY t TO STDOUT");
    assertThat(copy.next()).isPresent();
    assertThatThrownBy(copy::next)
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.query_canceled");
              assertThat(e.exitCode()).isEqualTo(ExitCode.ABORTED);
            });
    assertThat(c.isUsable()).isTrue();
  }

  @Test
  void copyOutOnAStatementWithoutCopyIsAnError() {
    Backend script = Backend.script().startup().commandComplete("SELECT 0").ready('I');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.NONE);
    assertThatThrownBy(() -> c.copyOut("select")).hasMessageContaining("copy response");
  }

  @Test
  void serverVersionNumbers() {
    assertThat(ServerVersion.parseVersionNum("15.6 (Debian 15.6-0+deb12u1)")).isEqualTo(150006);
    assertThat(ServerVersion.parseVersionNum("16beta1")).isEqualTo(160000);
    assertThat(ServerVersion.parseVersionNum("18.0")).isEqualTo(180000);
    assertThat(ServerVersion.parseVersionNum("9.6.24")).isEqualTo(90600);
    assertThat(ServerVersion.parseVersionNum("garbage")).isZero();
  }
}
