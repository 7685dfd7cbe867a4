package org.pghardstorage.core.repo.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;

class ManifestJsonTest {
  private static final ChunkId A = ChunkId.parse("aa".repeat(32));
  private static final ChunkId B = ChunkId.parse("bb".repeat(32));

  static BackupManifest sample() {
    return ManifestFixtures.manifest(
        Deployment.of("db1"),
        BackupId.parse("20261130T190600Z-k3x7qa"),
        ManifestFixtures.oneFile(
            "base/1/1259", 0xa1b2c3d4, List.of(new ChunkRef(A, 262144), new ChunkRef(B, 3))),
        BackupStats.of(262147, 3, 40, 2, 1),
        "{\"PostgreSQL-Backup-Manifest-Version\": 2}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void roundTrips() {
    BackupManifest m = sample();
    assertThat(ManifestJson.read(ManifestJson.write(m))).isEqualTo(m);
  }

  @Test
  void writesTheSpecifiedShape() throws Exception {
    JsonNode json = new ObjectMapper().readTree(ManifestJson.write(sample()));
    assertThat(json.fieldNames().next()).isEqualTo("schema");
    assertThat(json.get("schema").asText()).isEqualTo("pg_hardstorage.backup.v1");
    assertThat(json.get("backup_id").asText()).isEqualTo("20261130T190600Z-k3x7qa");
    assertThat(json.get("deployment").asText()).isEqualTo("db1");
    assertThat(json.get("started_at").asText()).isEqualTo("2026-11-30T19:06:00Z");
    assertThat(json.at("/postgres/version_num").asInt()).isEqualTo(170002);
    assertThat(json.at("/postgres/system_identifier").isTextual()).isTrue();
    assertThat(json.at("/wal/start_lsn").asText()).isEqualTo("0/2000028");
    assertThat(json.at("/wal/segment_size").asInt()).isEqualTo(16777216);
    assertThat(json.at("/tablespaces/0/oid").asLong()).isEqualTo(16385);
    JsonNode base = json.at("/archives/0");
    assertThat(base.get("kind").asText()).isEqualTo("base");
    assertThat(base.get("tablespace_oid").asLong()).isZero();
    JsonNode file = base.at("/files/1");
    assertThat(file.get("type").asText()).isEqualTo("file");
    assertThat(file.get("crc32c").asText()).isEqualTo("a1b2c3d4");
    assertThat(file.get("mode").asInt()).isEqualTo(0600);
    assertThat(file.has("link_target")).isFalse();
    assertThat(file.at("/chunks/0/id").asText()).isEqualTo(A.hex());
    assertThat(file.at("/chunks/1/raw_length").asInt()).isEqualTo(3);
    assertThat(base.at("/files/2/link_target").asText()).isEqualTo("/srv/ts1");
    assertThat(base.at("/files/2/type").asText()).isEqualTo("symlink");
    assertThat(json.at("/archives/1/kind").asText()).isEqualTo("tablespace");
    assertThat(json.at("/stats/chunks_new").asInt()).isEqualTo(1);
    assertThat(json.at("/stats/dedup_ratio").asDouble()).isBetween(0.99, 1.0);
    assertThat(json.at("/postgres_backup_manifest/sha256").asText()).hasSize(64);
  }

  static BackupManifest sliced() {
    return ManifestFixtures.manifest(
        Deployment.of("db1"),
        BackupId.parse("20261130T190600Z-k3x7qa"),
        ManifestFixtures.oneFile(
            "base/1/1259",
            0xa1b2c3d4,
            List.of(ChunkRef.slice(A, 262144, 8192, 16384, B), new ChunkRef(B, 3))),
        BackupStats.of(16387, 3, 40, 2, 1),
        "{\"PostgreSQL-Backup-Manifest-Version\": 2}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSlicedChunkRefMakesTheManifestV2AndRoundTrips() throws Exception {
    BackupManifest m = sliced();
    byte[] written = ManifestJson.write(m);
    JsonNode json = new ObjectMapper().readTree(written);
    assertThat(json.get("schema").asText()).isEqualTo("pg_hardstorage.backup.v2");
    JsonNode chunk = json.at("/archives/0/files/1/chunks/0");
    assertThat(chunk.get("raw_length").asInt()).isEqualTo(262144);
    assertThat(chunk.at("/slice/offset").asInt()).isEqualTo(8192);
    assertThat(chunk.at("/slice/length").asInt()).isEqualTo(16384);
    assertThat(chunk.at("/slice/id").asText()).isEqualTo(B.hex());
    assertThat(json.at("/archives/0/files/1/chunks/1").has("slice")).isFalse();
    assertThat(json.at("/archives/0/files/1/size").asLong()).isEqualTo(16387);
    assertThat(ManifestJson.read(written)).isEqualTo(m);
    assertThat(new ObjectMapper().readTree(ManifestJson.write(sample())).toString())
        .doesNotContain("slice");
  }

  @Test
  void theSchemaMustMatchWhetherSlicesAreUsed() {
    String v2 = new String(ManifestJson.write(sliced()), StandardCharsets.UTF_8);
    // A v1 reader would ignore the slice and assemble the whole chunk: v1 with slices is damage.
    assertThatThrownBy(() -> ManifestJson.read(bytes(v2.replace("backup.v2", "backup.v1"))))
        .isInstanceOfSatisfying(
            ManifestFormatException.class,
            e -> {
              assertThat(e.newerSchema()).isFalse();
              assertThat(e.getMessage()).contains("include slices");
            });
    String v1 = new String(ManifestJson.write(sample()), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestJson.read(bytes(v1.replace("backup.v1", "backup.v2"))))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("include no slices");
  }

  @Test
  void aSliceMustBeAProperPartOfItsChunk() {
    String v2 = new String(ManifestJson.write(sliced()), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> ManifestJson.read(bytes(v2.replace("\"offset\":8192", "\"offset\":253952"))))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("not a proper part");
  }

  @Test
  void schemaIsChecked() {
    String json = new String(ManifestJson.write(sample()), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ManifestJson.read(bytes(json.replace("backup.v1", "backup.v3"))))
        .isInstanceOfSatisfying(
            ManifestFormatException.class, e -> assertThat(e.newerSchema()).isTrue());
    assertThatThrownBy(
            () ->
                ManifestJson.read(
                    bytes(json.replace("\"schema\":\"pg_hardstorage.backup.v1\",", ""))))
        .isInstanceOfSatisfying(
            ManifestFormatException.class, e -> assertThat(e.newerSchema()).isFalse());
  }

  @Test
  void unknownFieldsAreIgnoredAndRulesEnforcedOnRead() {
    String json = new String(ManifestJson.write(sample()), StandardCharsets.UTF_8);
    assertThat(ManifestJson.read(bytes(json.replace("{\"schema\"", "{\"future\":1,\"schema\""))))
        .isEqualTo(sample());
    assertThatThrownBy(
            () -> ManifestJson.read(bytes(json.replace("\"size\":262147", "\"size\":5"))))
        .hasMessageContaining("differs from the chunks' total");
    assertThatThrownBy(
            () ->
                ManifestJson.read(
                    bytes(json.replace("\"deployment\":\"db1\"", "\"deployment\":\"DB 1\""))))
        .hasMessageContaining("DB 1");
    assertThatThrownBy(() -> ManifestJson.read(bytes(json.replace("0/2000100", "zz"))))
        .hasMessageContaining("invalid LSN 'zz'");
    assertThatThrownBy(() -> ManifestJson.read(bytes("[1,2]")))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> ManifestJson.read(bytes("{\"sch")))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void recordsValidate() {
    Instant t = Instant.EPOCH;
    assertThatThrownBy(() -> FileEntry.directory("../etc", 0700, t)).hasMessageContaining("'..'");
    assertThatThrownBy(() -> FileEntry.directory("/abs", 0700, t)).hasMessageContaining("relative");
    assertThatThrownBy(
            () ->
                Archive.base(
                    List.of(FileEntry.directory("a", 0700, t), FileEntry.directory("a", 0700, t))))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> new WalRange("0/2", 1, "0/1", 1, 1 << 24))
        .hasMessageContaining("before");
    assertThatThrownBy(() -> new PostgresInfo(170002, "x", "-1")).hasMessageContaining("'-1'");
    // a manifest's LSNs are read as PostgreSQL writes them: upper-case hex only (spec §13.2)
    assertThatThrownBy(() -> new WalRange("0/2000028", 1, "0/200010a", 1, 1 << 24))
        .hasMessageContaining("invalid LSN '0/200010a'");
    assertThat(new WalRange("0/02000028", 1, "0/2000100", 1, 1 << 24).start())
        .isEqualTo(0x2000028L);
    assertThat(BackupStats.of(0, 0, 0, 0, 0).dedupRatio()).isZero();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
