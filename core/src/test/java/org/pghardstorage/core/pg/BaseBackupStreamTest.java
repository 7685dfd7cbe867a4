package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseBackupStreamTest {
  static byte[] sub(char type, byte[] body) {
    return Backend.concat(new byte[] {(byte) type}, body);
  }

  static byte[] data(String s) {
    return sub('d', s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] progress(long n) {
    return sub('p', ByteBuffer.allocate(8).putLong(n).array());
  }

  static Backend header() {
    return Backend.script()
        .startup()
        .rowDescription("recptr", "25", "tli", "20")
        .dataRow("0/2000028", "1")
        .commandComplete("SELECT")
        .rowDescription("spcoid", "26", "spclocation", "25", "size", "20")
        .dataRow(null, null, "23014")
        .dataRow("16385", "/srv/ts1", "8")
        .copyOutResponse();
  }

  static Backend trailer(Backend b) {
    return b.copyDone()
        .rowDescription("recptr", "25", "tli", "20")
        .dataRow("0/2000138", "1")
        .commandComplete("SELECT")
        .commandComplete("BASE_BACKUP")
        .ready('I');
  }

  @Test
  void demultiplexesArchivesProgressAndManifest() throws Exception {
    Backend script =
        trailer(
            header()
                .copyData(sub('n', Backend.cstrings("base.tar", "")))
                .copyData(data("base-part-1|"))
                .copyData(progress(12))
                .copyData(data("base-part-2"))
                .copyData(sub('n', Backend.cstrings("16385.tar", "/srv/ts1")))
                .copyData(data("ts-data"))
                .copyData(progress(30))
                .copyData(sub('m', new byte[0]))
                .copyData(data("{\"manifest\":"))
                .copyData(data("true}")));
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    List<Long> progress = new ArrayList<>();
    try (BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").build())) {
      b.setProgressListener(progress::add);
      assertThat(b.start()).isEqualTo(new BackupPosition(Lsn.parse("0/2000028"), TimelineId.FIRST));
      assertThat(b.tablespaces()).hasSize(2);
      assertThat(b.tablespaces().get(0).isDataDirectory()).isTrue();
      assertThat(b.tablespaces().get(0).sizeKb()).hasValue(23014);
      assertThat(b.tablespaces().get(1).oid()).hasValue(16385);
      assertThat(b.tablespaces().get(1).location()).contains("/srv/ts1");

      BaseBackupArchive base = b.nextArchive().orElseThrow();
      assertThat(base.name()).isEqualTo("base.tar");
      assertThat(base.tablespaceLocation()).isEmpty();
      assertThat(read(base.data())).isEqualTo("base-part-1|base-part-2");
      BaseBackupArchive ts = b.nextArchive().orElseThrow();
      assertThat(ts.name()).isEqualTo("16385.tar");
      assertThat(ts.tablespaceLocation()).contains("/srv/ts1");
      assertThat(read(ts.data())).isEqualTo("ts-data");
      assertThat(b.nextArchive()).isEmpty();
      assertThat(read(b.manifest().orElseThrow())).isEqualTo("{\"manifest\":true}");
      assertThat(b.end()).isEqualTo(new BackupPosition(Lsn.parse("0/2000138"), TimelineId.FIRST));
      assertThat(progress).containsExactly(12L, 30L);
      assertThat(b.serverProgress()).isEqualTo(30);
      assertThat(b.bytesReceived()).isEqualTo(23 + 7 + 17);
    }
    assertThat(r.connection().isUsable()).isTrue();
    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(r.connection()).messages();
    assertThat(new String(sent.get(1).body(), StandardCharsets.UTF_8))
        .startsWith("BASE_BACKUP (LABEL 't'");
  }

  @Test
  void archiveBytesArriveWholeInReadsOfAnySizeWithNoticesAndParametersBetweenMessages()
      throws Exception {
    // Messages larger than the connection's 64 KiB buffer and smaller, data read straight off the
    // wire and data that arrived whole after an asynchronous message, in reads of 1 byte to 100
    // KiB.
    byte[][] parts = new byte[5][];
    java.util.Random random = new java.util.Random(7);
    int[] sizes = {40_000, 70_000, 1, 33_000, 16_384};
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < parts.length; i++) {
      parts[i] = new byte[sizes[i]];
      random.nextBytes(parts[i]);
      expected.write(parts[i]);
    }
    Backend script =
        trailer(
            header()
                .copyData(sub('n', Backend.cstrings("base.tar", "")))
                .copyData(sub('d', parts[0]))
                .notice(java.util.Map.of('S', "NOTICE", 'C', "00000", 'M', "checkpoint done"))
                .copyData(sub('d', parts[1]))
                .copyData(progress(110_000))
                .copyData(sub('d', parts[2]))
                .parameter("application_name", "x")
                .copyData(sub('d', parts[3]))
                .copyData(sub('d', new byte[0]))
                .copyData(sub('d', parts[4]))
                .copyData(sub('m', new byte[0]))
                .copyData(data("{}")));
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    try (BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").build())) {
      InputStream in = b.nextArchive().orElseThrow().data();
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      int[] reads = {1, 7, 100 * 1024, 8192, 3};
      for (int i = 0; ; i++) {
        byte[] buf = new byte[reads[i % reads.length]];
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          break;
        }
        assertThat(n).isPositive();
        got.write(buf, 0, n);
      }
      assertThat(got.toByteArray()).isEqualTo(expected.toByteArray());
      assertThat(b.serverProgress()).isEqualTo(110_000);
      assertThat(read(b.manifest().orElseThrow())).isEqualTo("{}");
      assertThat(b.end().lsn()).isEqualTo(Lsn.parse("0/2000138"));
      assertThat(b.bytesReceived()).isEqualTo(expected.size() + 2);
    }
    assertThat(r.connection().isUsable()).isTrue();
  }

  @Test
  void anArchiveStreamLeftBehindReadsNothingOfTheNextArchive() throws Exception {
    Backend script =
        trailer(
            header()
                .copyData(sub('n', Backend.cstrings("base.tar", "")))
                .copyData(data("first"))
                .copyData(sub('n', Backend.cstrings("16385.tar", "/srv/ts1")))
                .copyData(data("second")));
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").manifest(false).build());
    InputStream first = b.nextArchive().orElseThrow().data();
    InputStream second = b.nextArchive().orElseThrow().data();
    assertThat(first.read()).isEqualTo(-1);
    assertThat(read(second)).isEqualTo("second");
    assertThat(b.end().lsn()).isEqualTo(Lsn.parse("0/2000138"));
  }

  @Test
  void aForgedCopyDataLengthIsAProtocolErrorNotAnAllocationOrAWait() {
    // a CopyData announcing 2 GiB - 1 of body: beyond PostgreSQL's 1 GiB, so the framing is forged
    byte[] forged =
        Backend.concat(new byte[] {'d'}, ByteBuffer.allocate(4).putInt(0x7FFFFFFF).array());
    Backend script = header().copyData(sub('n', Backend.cstrings("base.tar", ""))).raw(forged);
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").build());
    InputStream in = b.nextArchive().orElseThrow().data();
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(org.pghardstorage.core.error.HardstorageException.class)
        .hasMessageContaining("invalid length 2147483647");
    assertThat(r.connection().isUsable()).isFalse();
  }

  @Test
  void aConnectionLostInsideAMessageFailsTheReadAndClosesTheConnection() {
    byte[] body = sub('d', new byte[50_000]);
    // A CopyData that announces 50,001 bytes of body of which 20,000 arrive before the end.
    byte[] cut =
        Backend.concat(
            new byte[] {'d'},
            ByteBuffer.allocate(4).putInt(body.length + 4).array(),
            java.util.Arrays.copyOf(body, 20_000));
    Backend script = header().copyData(sub('n', Backend.cstrings("base.tar", ""))).raw(cut);
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").build());
    InputStream in = b.nextArchive().orElseThrow().data();
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOf(org.pghardstorage.core.error.HardstorageException.class)
        .hasMessageContaining("connection");
    assertThat(r.connection().isUsable()).isFalse();
  }

  @Test
  void unreadArchivesAreSkippedAndMissingManifestIsEmpty() {
    Backend script =
        trailer(
            header()
                .copyData(sub('n', Backend.cstrings("base.tar", "")))
                .copyData(data("unread"))
                .copyData(sub('n', Backend.cstrings("16385.tar", "/srv/ts1")))
                .copyData(data("also unread")));
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").manifest(false).build());
    assertThat(b.nextArchive()).map(BaseBackupArchive::name).contains("base.tar");
    assertThat(b.nextArchive()).map(BaseBackupArchive::name).contains("16385.tar");
    assertThat(b.manifest()).isEmpty();
    assertThat(b.end().lsn()).isEqualTo(Lsn.parse("0/2000138"));
  }

  @Test
  void serverErrorMidArchiveSurfacesFromRead() {
    Backend script =
        header()
            .copyData(sub('n', Backend.cstrings("base.tar", "")))
            .copyData(data("partial"))
            .error("ERROR", "58P01", "could not open file \"base/1/1234\"")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").build());
    InputStream in = b.nextArchive().orElseThrow().data();
    assertThatThrownBy(in::readAllBytes)
        .isInstanceOfSatisfying(
            PgServerException.class, e -> assertThat(e.sqlState()).isEqualTo("58P01"));
    assertThat(r.connection().isUsable()).isTrue();
  }

  @Test
  void unexpectedSubMessageIsAProtocolViolation() {
    Backend script = header().copyData(data("data before any archive"));
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    BaseBackupStream b = r.baseBackup(BaseBackupOptions.builder("t").build());
    assertThatThrownBy(b::nextArchive)
        .hasMessageContaining("unexpected BASE_BACKUP sub-message 'd'");
    assertThat(r.connection().isUsable()).isFalse();
  }

  @Test
  void refusedBackupLeavesConnectionUsable() {
    Backend script =
        Backend.script()
            .startup()
            .error("ERROR", "42501", "permission denied to start a backup")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    assertThatThrownBy(() -> r.baseBackup(BaseBackupOptions.builder("t").build()))
        .isInstanceOf(PgServerException.class);
    assertThat(r.connection().isUsable()).isTrue();
  }

  @Test
  void optionsQuoteTheLabel() {
    BaseBackupOptions o =
        BaseBackupOptions.builder("it's \\ nightly")
            .fastCheckpoint(false)
            .manifestChecksums("SHA256")
            .progress(false)
            .maxRateKbPerSecond(1024)
            .waitForWalArchive(false)
            .compression("zstd:level=3")
            .build();
    assertThat(o.toCommand())
        .isEqualTo(
            "BASE_BACKUP (LABEL 'it''s \\ nightly', CHECKPOINT 'spread', MANIFEST 'yes',"
                + " MANIFEST_CHECKSUMS 'SHA256', PROGRESS 'false', MAX_RATE 1024, WAIT 'false',"
                + " TABLESPACE_MAP 'true', VERIFY_CHECKSUMS 'true', COMPRESSION 'zstd',"
                + " COMPRESSION_DETAIL 'level=3')");
    assertThatThrownBy(() -> BaseBackupOptions.builder("x").maxRateKbPerSecond(1))
        .hasMessageContaining("MAX_RATE 1");
    assertThatThrownBy(() -> BaseBackupOptions.builder("x").manifestChecksums("md5"))
        .hasMessageContaining("'md5'");
    assertThatThrownBy(() -> BaseBackupOptions.builder("x").compression("zstd'; DROP"))
        .hasMessageContaining("zstd'; DROP");
    assertThat(BaseBackupOptions.builder("x").manifest(false).build().toCommand())
        .doesNotContain("MANIFEST_CHECKSUMS");
  }

  private static String read(InputStream in) throws java.io.IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
