package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code UPLOAD_MANIFEST}: the COPY IN sub-protocol and the INCREMENTAL option. */
class UploadManifestTest {
  @Test
  void sendsTheManifestAsCopyDataThenCopyDoneAndReadsTheCompletion() {
    Backend script =
        Backend.script().startup().copyInResponse().commandComplete("UPLOAD_MANIFEST").ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    byte[] manifest = new byte[150_000];
    Arrays.fill(manifest, (byte) 'x');
    manifest[0] = '{';

    r.uploadManifest(manifest);

    assertThat(r.connection().isUsable()).isTrue();
    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(r.connection()).messages();
    assertThat(sent.get(1).type()).isEqualTo('Q');
    assertThat(new String(sent.get(1).body(), StandardCharsets.UTF_8))
        .isEqualTo("UPLOAD_MANIFEST\0");
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    int i = 2;
    for (; sent.get(i).type() == 'd'; i++) {
      assertThat(sent.get(i).body().length).isLessThanOrEqualTo(64 << 10);
      copied.writeBytes(sent.get(i).body());
    }
    assertThat(copied.toByteArray()).isEqualTo(manifest);
    assertThat(sent.get(i).type()).isEqualTo('c');
    assertThat(sent).hasSize(i + 1);
  }

  @Test
  void aRefusedManifestIsTheServersErrorAndLeavesTheConnectionUsable() {
    Backend script =
        Backend.script()
            .startup()
            .copyInResponse()
            .error(
                "ERROR", "0A000", "backup manifest version 1 does not support incremental backup")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));

    assertThatThrownBy(() -> r.uploadManifest("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PgServerException.class)
        .hasMessageContaining("does not support incremental backup");
    assertThat(r.connection().isUsable()).isTrue();
    // the data and CopyDone were still sent: the server ignores them after its error
    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(r.connection()).messages();
    assertThat(sent.get(sent.size() - 1).type()).isEqualTo('c');
  }

  @Test
  void aServerWithoutTheCommandFailsItBeforeAnyDataIsSent() {
    Backend script =
        Backend.script()
            .startup()
            .error("ERROR", "42601", "syntax error at or near \"UPLOAD_MANIFEST\"")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));

    assertThatThrownBy(() -> r.uploadManifest("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PgServerException.class)
        .hasMessageContaining("syntax error");
    assertThat(r.connection().isUsable()).isTrue();
    assertThat(ScriptedTransport.of(r.connection()).messages())
        .extracting(ScriptedTransport.Sent::type)
        .doesNotContain('d', 'c');
  }

  @Test
  void anotherStatementsCopyInIsStillRefused() {
    Backend script =
        Backend.script()
            .startup()
            .copyInResponse()
            .error("ERROR", "57014", "COPY from stdin failed")
            .ready('I');
    PgConnection c = ScriptedTransport.connect(script, ReplicationMode.NONE);

    assertThatThrownBy(() -> c.query("COPY t FROM STDIN")).isInstanceOf(PgServerException.class);
    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(c).messages();
    assertThat(sent.get(sent.size() - 1).type()).isEqualTo('f');
  }

  @Test
  void incrementalIsAnOptionOfTheCommand() {
    assertThat(BaseBackupOptions.builder("t").build().toCommand()).doesNotContain("INCREMENTAL");
    BaseBackupOptions o = BaseBackupOptions.builder("t").incremental(true).build();
    assertThat(o.incremental()).isTrue();
    assertThat(o.toCommand()).endsWith(", INCREMENTAL 'true')");
  }
}
