package org.pghardstorage.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.FileRef;

/**
 * PostgreSQL's backup_manifest, in the exact layout its backend writes ({@code backup_manifest.c}),
 * rewritten for the rebuilt files of an incremental backup, and every shape of a manifest that does
 * not match what was sent.
 */
class PostgresManifestRewriteTest {
  private static final String MODIFIED = "2026-12-05 12:00:00 GMT";

  static int crc(byte[] content) {
    CRC32C c = new CRC32C();
    c.update(content);
    return (int) c.getValue();
  }

  /** One file's line as the backend writes it (CRC32C in little-endian byte order). */
  static String entry(String path, byte[] content) {
    return "{ \"Path\": \""
        + path
        + "\", \"Size\": "
        + content.length
        + ", \"Last-Modified\": \""
        + MODIFIED
        + "\", \"Checksum-Algorithm\": \"CRC32C\", \"Checksum\": \""
        + PostgresManifestRewrite.crcHex(crc(content), ByteOrder.LITTLE_ENDIAN)
        + "\" }";
  }

  /** A whole manifest of {@code entries}, with its checksum. */
  static String manifest(String... entries) {
    String body =
        "{ \"PostgreSQL-Backup-Manifest-Version\": 2,\n"
            + "\"System-Identifier\": 7311915375210340390,\n"
            + "\"Files\": [\n"
            + String.join(",\n", entries)
            + "\n],\n"
            + "\"WAL-Ranges\": [\n"
            + "{ \"Timeline\": 1, \"Start-LSN\": \"0/4000028\", \"End-LSN\": \"0/4000100\" }\n"
            + "],\n";
    return body + "\"Manifest-Checksum\": \"" + sha256(body) + "\"}\n";
  }

  static String sha256(String body) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Manifest-Checksum as pg_verifybackup checks it. */
  static void assertChecksumHolds(String manifest) {
    int last = manifest.lastIndexOf('\n', manifest.length() - 2);
    assertThat(manifest.substring(last + 1))
        .isEqualTo("\"Manifest-Checksum\": \"" + sha256(manifest.substring(0, last + 1)) + "\"}\n");
  }

  private static final byte[] MEMBER = IncrementalFileTest.incremental(3, 1);
  private static final byte[] REBUILT = new byte[3 * IncrementalFileTest.BLCKSZ];
  private static final byte[] VERSION = "17\n".getBytes(StandardCharsets.UTF_8);

  private static IncrementalRebuild.Rewritten rewritten(byte[] sent) {
    return new IncrementalRebuild.Rewritten(
        "base/5/INCREMENTAL.16384",
        "base/5/16384",
        sent.length,
        crc(sent),
        new FileRef(REBUILT.length, List.of(), crc(REBUILT)));
  }

  private static String rewrite(String manifest, byte[] sent) {
    return new String(
        PostgresManifestRewrite.rewrite(
            manifest.getBytes(StandardCharsets.UTF_8), List.of(rewritten(sent))),
        StandardCharsets.UTF_8);
  }

  @Test
  void rewrittenLinesDescribeTheStoredFilesAndTheRestStaysByteForByte() {
    String server =
        manifest(
            entry("PG_VERSION", VERSION),
            entry("base/5/INCREMENTAL.16384", MEMBER),
            entry("global/pg_control", VERSION));
    String out = rewrite(server, MEMBER);
    assertThat(out)
        .isEqualTo(
            manifest(
                entry("PG_VERSION", VERSION),
                entry("base/5/16384", REBUILT),
                entry("global/pg_control", VERSION)));
    assertChecksumHolds(out);
  }

  @Test
  void theLastEntryKeepsItsLineEnd() {
    String out = rewrite(manifest(entry("base/5/INCREMENTAL.16384", MEMBER)), MEMBER);
    assertThat(out).isEqualTo(manifest(entry("base/5/16384", REBUILT)));
  }

  @Test
  void aBigEndianServersChecksumsStayBigEndian() {
    String server =
        manifest(entry("base/5/INCREMENTAL.16384", MEMBER))
            .replace(
                PostgresManifestRewrite.crcHex(crc(MEMBER), ByteOrder.LITTLE_ENDIAN),
                PostgresManifestRewrite.crcHex(crc(MEMBER), ByteOrder.BIG_ENDIAN));
    server = withChecksum(server);
    String out = rewrite(server, MEMBER);
    assertThat(out)
        .contains(
            "\"Checksum\": \""
                + PostgresManifestRewrite.crcHex(crc(REBUILT), ByteOrder.BIG_ENDIAN)
                + "\"");
    assertChecksumHolds(out);
  }

  @Test
  void aWrongManifestChecksumIsRefused() {
    String server = manifest(entry("base/5/INCREMENTAL.16384", MEMBER));
    String damaged = server.replace("0/4000100", "0/4000101");
    refused(damaged, MEMBER).hasMessageContaining("but its content hashes to");
    refused(server.substring(0, server.length() - 1), MEMBER)
        .hasMessageContaining("does not end with a newline");
  }

  @Test
  void aMemberTheManifestDoesNotListIsRefused() {
    refused(manifest(entry("PG_VERSION", VERSION)), MEMBER)
        .hasMessageContaining("does not list base/5/INCREMENTAL.16384, which was sent");
  }

  @Test
  void aMemberListedTwiceIsRefused() {
    refused(
            manifest(
                entry("base/5/INCREMENTAL.16384", MEMBER),
                entry("base/5/INCREMENTAL.16384", MEMBER)),
            MEMBER)
        .hasMessageContaining("it lists base/5/INCREMENTAL.16384 twice");
  }

  @Test
  void aListedSizeOrChecksumOtherThanWhatWasSentIsRefused() {
    byte[] other = IncrementalFileTest.incremental(3, 2);
    refused(manifest(entry("base/5/INCREMENTAL.16384", other)), MEMBER)
        .hasMessageContaining("is listed with CRC32C");
    byte[] shorter = IncrementalFileTest.incremental(3);
    refused(manifest(entry("base/5/INCREMENTAL.16384", shorter)), MEMBER)
        .hasMessageContaining("is listed with size 12 but 16384 bytes were sent");
  }

  @Test
  void anotherChecksumAlgorithmIsRefused() {
    String server =
        withChecksum(
            manifest(entry("base/5/INCREMENTAL.16384", MEMBER))
                .replace("\"CRC32C\"", "\"SHA256\""));
    refused(server, MEMBER).hasMessageContaining("has checksum algorithm \"SHA256\"");
  }

  @Test
  void pathsAreEscapedAsPostgresEscapesThem() {
    assertThat(PostgresManifestRewrite.escape("a\"b\\c\td\u0001"))
        .isEqualTo("\"a\\\"b\\\\c\\td\\u0001\"");
  }

  /** The manifest with its checksum line recomputed (to forge a consistent one). */
  private static String withChecksum(String manifest) {
    int last = manifest.lastIndexOf('\n', manifest.length() - 2);
    String body = manifest.substring(0, last + 1);
    return body + "\"Manifest-Checksum\": \"" + sha256(body) + "\"}\n";
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(
      String manifest, byte[] sent) {
    return assertThatThrownBy(() -> rewrite(manifest, sent))
        .isInstanceOf(HardstorageException.class)
        .satisfies(
            e ->
                assertThat(((HardstorageException) e).code()).isEqualTo("backup.manifest_invalid"));
  }
}
