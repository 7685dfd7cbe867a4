package org.pghardstorage.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;

/**
 * What verify needs from PostgreSQL's {@code backup_manifest} (versions 1 and 2): the files with
 * size and checksum, the WAL ranges, the system identifier; and the manifest's own SHA-256
 * checksum, checked as {@code pg_verifybackup} does.
 *
 * @param systemIdentifier version 2's {@code System-Identifier}, if present
 * @param files path → entry, in manifest order
 * @param walRanges the {@code WAL-Ranges}
 */
record PostgresManifest(
    Optional<String> systemIdentifier, Map<String, Entry> files, List<WalRangeEntry> walRanges) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * One file.
   *
   * @param size its size
   * @param algorithm {@code NONE}, {@code CRC32C}, {@code SHA224} … {@code SHA512}
   * @param checksum the checksum bytes (empty for NONE)
   */
  record Entry(long size, String algorithm, byte[] checksum) {}

  /**
   * One WAL range.
   *
   * @param timeline the timeline
   * @param start its start LSN
   * @param end its end LSN
   */
  record WalRangeEntry(long timeline, long start, long end) {}

  /**
   * Parses the manifest.
   *
   * @throws IllegalArgumentException saying what does not parse
   */
  static PostgresManifest parse(byte[] content) {
    JsonNode root;
    try {
      root = MAPPER.readTree(content);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("Files").isArray()) {
      throw new IllegalArgumentException("no \"Files\" array");
    }
    Map<String, Entry> files = new LinkedHashMap<>();
    for (JsonNode f : root.path("Files")) {
      String path = path(f);
      if (!f.path("Size").canConvertToLong()) {
        throw new IllegalArgumentException("file '" + path + "' has no valid \"Size\"");
      }
      String algorithm = f.path("Checksum-Algorithm").asText("NONE");
      byte[] checksum =
          algorithm.equals("NONE") ? new byte[0] : hex(path, f.path("Checksum").asText(""));
      files.put(path, new Entry(f.path("Size").asLong(), algorithm, checksum));
    }
    List<WalRangeEntry> ranges = new ArrayList<>();
    for (JsonNode r : root.path("WAL-Ranges")) {
      try {
        ranges.add(
            new WalRangeEntry(
                TimelineId.of(r.path("Timeline").asLong()).value(),
                Lsn.parseStrict(r.path("Start-LSN").asText()).value(),
                Lsn.parseStrict(r.path("End-LSN").asText()).value()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid WAL range " + r + ": " + e.getMessage(), e);
      }
    }
    JsonNode id = root.path("System-Identifier");
    Optional<String> systemIdentifier =
        id.isMissingNode()
            ? Optional.empty()
            : Optional.of(id.isNumber() ? id.bigIntegerValue().toString() : id.asText());
    return new PostgresManifest(systemIdentifier, files, ranges);
  }

  /**
   * Checks {@code Manifest-Checksum}: the SHA-256 of everything up to and including the newline
   * before the last line, which must end the file.
   *
   * @return what is wrong, or empty if it matches
   */
  static Optional<String> checksumProblem(byte[] content) {
    int last = -1;
    int penultimate = -1;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        penultimate = last;
        last = i;
      }
    }
    if (penultimate < 0 || last != content.length - 1) {
      return Optional.of("it does not end with a newline-terminated Manifest-Checksum line");
    }
    String lastLine =
        new String(content, penultimate + 1, last - penultimate, StandardCharsets.UTF_8);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"Manifest-Checksum\"\\s*:\\s*\"([0-9a-fA-F]{64})\"")
            .matcher(lastLine);
    if (!m.find()) {
      return Optional.of("its last line has no Manifest-Checksum");
    }
    byte[] actual = digest("SHA-256", content, penultimate + 1);
    String actualHex = HexFormat.of().formatHex(actual);
    return actualHex.equalsIgnoreCase(m.group(1))
        ? Optional.empty()
        : Optional.of(
            "Manifest-Checksum is " + m.group(1) + " but the content hashes to " + actualHex);
  }

  /** A file's path: {@code Path}, or {@code Encoded-Path} (hex of bytes) for non-UTF-8 names. */
  private static String path(JsonNode f) {
    if (f.hasNonNull("Path")) {
      return f.get("Path").asText();
    }
    if (f.hasNonNull("Encoded-Path")) {
      return new String(
          hex("Encoded-Path", f.get("Encoded-Path").asText()), StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException(
        "a file entry has neither \"Path\" nor \"Encoded-Path\": " + f);
  }

  private static byte[] hex(String what, String text) {
    try {
      return HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + what + "' has an invalid hex value '" + text + "'", e);
    }
  }

  static byte[] digest(String algorithm, byte[] content, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      md.update(content, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required by every Java platform", e);
    }
  }
}
