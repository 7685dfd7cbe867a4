package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class ReplicationStreamTest {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00.123456Z");

  static byte[] xlogData(long start, long end, byte[] wal) {
    return ByteBuffer.allocate(25 + wal.length)
        .put((byte) 'w')
        .putLong(start)
        .putLong(end)
        .putLong(PgTimestamps.fromInstant(T))
        .put(wal)
        .array();
  }

  static byte[] keepalive(long end, boolean reply) {
    return ByteBuffer.allocate(18)
        .put((byte) 'k')
        .putLong(end)
        .putLong(PgTimestamps.fromInstant(T))
        .put((byte) (reply ? 1 : 0))
        .array();
  }

  @Test
  void streamsWalAnswersKeepalivesAndEndsTimeline() {
    Backend script =
        Backend.script()
            .startup()
            .copyBothResponse()
            .copyData(xlogData(0x3000000L, 0x3000100L, "WALBYTES".getBytes()))
            .copyData(keepalive(0x3000100L, true))
            .copyDone()
            .rowDescription("next_tli", "20", "next_tli_startpos", "25")
            .dataRow("2", "0/3000100")
            .commandComplete("START_STREAMING")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    ReplicationStream s =
        r.startPhysicalReplication(Optional.of("slot_a"), Lsn.parse("0/3000000"), TimelineId.FIRST);

    ReplicationEvent.XLogData x = (ReplicationEvent.XLogData) s.read();
    assertThat(x.walStart()).isEqualTo(Lsn.parse("0/3000000"));
    assertThat(x.walEnd()).isEqualTo(Lsn.parse("0/3000100"));
    assertThat(x.sendTime()).isEqualTo(T);
    assertThat(StandardCharsets.US_ASCII.decode(x.payload()).toString()).isEqualTo("WALBYTES");
    assertThat(x.walEndOfPayload()).isEqualTo(Lsn.parse("0/3000008"));
    assertThat(s.lastReceived()).isEqualTo(Lsn.parse("0/3000008"));
    s.sendStatus(Lsn.parse("0/3000008"), Lsn.parse("0/3000004"), Lsn.INVALID, false);

    ReplicationEvent.Keepalive k = (ReplicationEvent.Keepalive) s.read();
    assertThat(k.replyRequested()).isTrue();
    assertThat(s.serverWalEnd()).isEqualTo(Lsn.parse("0/3000100"));

    ReplicationEvent end = s.read();
    assertThat(end)
        .isEqualTo(new ReplicationEvent.EndOfTimeline(TimelineId.of(2), Lsn.parse("0/3000100")));
    assertThat(s.isEnded()).isTrue();
    assertThatThrownBy(s::read).isInstanceOf(IllegalStateException.class);
    assertThat(s.endStream()).contains((ReplicationEvent.EndOfTimeline) end);
    assertThat(r.connection().isUsable()).isTrue();

    List<ScriptedTransport.Sent> sent = ScriptedTransport.of(r.connection()).messages();
    assertThat(new String(sent.get(1).body(), StandardCharsets.UTF_8))
        .isEqualTo("START_REPLICATION SLOT slot_a PHYSICAL 0/3000000 TIMELINE 1\0");
    // our status update, then the automatic answer to the keepalive repeating the reported
    // positions (never the received ones), then CopyDone answering the server's
    ByteBuffer status = ByteBuffer.wrap(sent.get(2).body());
    assertThat(sent.get(2).type()).isEqualTo('d');
    assertThat(status.get()).isEqualTo((byte) 'r');
    assertThat(status.getLong()).isEqualTo(0x3000008L);
    assertThat(status.getLong()).isEqualTo(0x3000004L);
    assertThat(status.getLong()).isZero();
    status.getLong();
    assertThat(status.get()).isZero();
    ByteBuffer auto = ByteBuffer.wrap(sent.get(3).body());
    auto.get();
    assertThat(auto.getLong()).isEqualTo(0x3000008L);
    assertThat(auto.getLong()).isEqualTo(0x3000004L);
    assertThat(sent.get(4).type()).isEqualTo('c');
  }

  @Test
  void clientEndsStreamAndDrainsInFlightWal() {
    Backend script =
        Backend.script()
            .startup()
            .copyBothResponse()
            .copyData(xlogData(0x1000000L, 0x1000010L, new byte[16]))
            .copyData(xlogData(0x1000010L, 0x1000020L, new byte[16]))
            .copyDone()
            .commandComplete("START_STREAMING")
            .ready('I')
            .rowDescription("x", "25")
            .dataRow("after")
            .commandComplete("SHOW")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.DATABASE));
    ReplicationStream s =
        r.startPhysicalReplication(Optional.empty(), Lsn.parse("0/1000000"), TimelineId.FIRST);
    assertThat(s.read()).isInstanceOf(ReplicationEvent.XLogData.class);
    assertThat(s.endStream()).isEmpty();
    assertThat(r.show("x")).isEqualTo("after");
  }

  @Test
  void serverErrorAndShutdownSurface() {
    Backend error =
        Backend.script()
            .startup()
            .copyBothResponse()
            .error(
                "ERROR",
                "58P01",
                "requested WAL segment 000000010000000000000001 has already been removed")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(error, ReplicationMode.DATABASE));
    ReplicationStream s =
        r.startPhysicalReplication(Optional.empty(), Lsn.parse("0/1000000"), TimelineId.FIRST);
    assertThatThrownBy(s::read)
        .isInstanceOfSatisfying(
            PgServerException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
              assertThat(e.suggestion().orElseThrow()).contains("replication slot");
            });

    Backend shutdown = Backend.script().startup().copyBothResponse().commandComplete("COPY 0");
    ReplicationConnection r2 =
        new ReplicationConnection(ScriptedTransport.connect(shutdown, ReplicationMode.DATABASE));
    ReplicationStream s2 =
        r2.startPhysicalReplication(Optional.empty(), Lsn.parse("0/1000000"), TimelineId.FIRST);
    assertThatThrownBy(s2::read)
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("pg.server_shutdown"));
  }

  @Test
  void replicationCommandsParseTheirResults() {
    Backend script =
        Backend.script()
            .startup()
            .rowDescription("systemid", "25", "timeline", "23", "xlogpos", "25", "dbname", "25")
            .dataRow("7312345678901234567", "3", "0/5000060", null)
            .commandComplete("IDENTIFY_SYSTEM")
            .ready('I')
            .rowDescription("slot_type", "25", "restart_lsn", "25", "restart_tli", "20")
            .dataRow(null, null, null)
            .commandComplete("READ_REPLICATION_SLOT")
            .ready('I')
            .rowDescription("filename", "25", "content", "17")
            .dataRow("00000002.history", "1\t0/3000100\tno recovery target specified\n")
            .commandComplete("TIMELINE_HISTORY")
            .ready('I')
            .rowDescription("wal_segment_size", "25")
            .dataRow("64MB")
            .commandComplete("SHOW")
            .ready('I');
    ReplicationConnection r =
        new ReplicationConnection(ScriptedTransport.connect(script, ReplicationMode.PHYSICAL));
    SystemIdentification id = r.identifySystem();
    assertThat(id.systemId()).hasToString("7312345678901234567");
    assertThat(id.timeline()).isEqualTo(TimelineId.of(3));
    assertThat(id.xlogPos()).isEqualTo(Lsn.parse("0/5000060"));
    assertThat(id.dbname()).isEmpty();
    assertThat(r.readReplicationSlot("missing")).isEmpty();
    TimelineHistoryFile h = r.timelineHistory(TimelineId.of(2));
    assertThat(h.fileName()).isEqualTo("00000002.history");
    assertThat(new String(h.content(), StandardCharsets.UTF_8)).startsWith("1\t0/3000100");
    assertThat(r.walSegmentSize()).isEqualTo(WalSegmentSize.ofBytes(64L << 20));
    assertThatThrownBy(() -> r.readReplicationSlot("Bad-Name; DROP"))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("'Bad-Name; DROP'");
  }

  @Test
  void timestampsUseThePostgresEpoch() {
    assertThat(PgTimestamps.toInstant(0)).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(PgTimestamps.fromInstant(Instant.parse("2000-01-01T00:00:01Z")))
        .isEqualTo(1_000_000);
    assertThat(ReplicationConnection.formatLsn(Lsn.parse("1/0000ABCD"))).isEqualTo("1/ABCD");
  }
}
