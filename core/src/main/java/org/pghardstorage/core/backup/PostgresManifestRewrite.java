package org.pghardstorage.core.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Rewrites PostgreSQL's {@code backup_manifest} of an incremental backup so that it describes the
 * files as stored (format spec §5.2), as {@code pg_combinebackup}'s {@code write_manifest.c} would:
 * each rewritten member's line gets the stored path, size and CRC32C (its {@code Last-Modified} is
 * kept), every other byte stays as the server wrote it, and {@code Manifest-Checksum} is the
 * SHA-256 of everything before its line. {@code pg_verifybackup} and our verify then check the
 * stored files against it.
 *
 * <p>The server's manifest is untrusted: its own checksum must hold, each rewritten member must be
 * listed exactly once, as a CRC32C entry whose size and checksum match the bytes received.
 */
final class PostgresManifestRewrite {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern LAST_LINE =
      Pattern.compile("\"Manifest-Checksum\": \"([0-9a-f]{64})\"\\}\n");

  private PostgresManifestRewrite() {}

  /**
   * The manifest describing the stored files.
   *
   * @throws HardstorageException {@code backup.manifest_invalid} naming what does not hold
   */
  static byte[] rewrite(byte[] manifest, List<IncrementalRebuild.Rewritten> rewritten) {
    int lastLine = lastLineStart(manifest);
    Matcher m =
        LAST_LINE.matcher(
            new String(manifest, lastLine, manifest.length - lastLine, StandardCharsets.UTF_8));
    if (!m.matches()) {
      throw invalid("it does not end with a Manifest-Checksum line");
    }
    String actual = sha256(manifest, lastLine);
    if (!actual.equals(m.group(1))) {
      throw invalid(
          "its Manifest-Checksum is " + m.group(1) + " but its content hashes to " + actual);
    }
    Map<String, IncrementalRebuild.Rewritten> byPath = new HashMap<>();
    for (IncrementalRebuild.Rewritten r : rewritten) {
      byPath.put(r.serverPath(), r);
    }
    Set<String> done = new HashSet<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(manifest.length + 64);
    int start = 0;
    while (start < lastLine) {
      int end = start;
      while (manifest[end] != '\n') {
        end++;
      }
      end++;
      String line = new String(manifest, start, end - start, StandardCharsets.UTF_8);
      if (line.startsWith("{ \"Path\": ")) {
        String entry = line.endsWith(",\n") ? line.substring(0, line.length() - 2) : line.strip();
        JsonNode node = parse(entry);
        String path = node.path("Path").asText();
        if (done.contains(path)) {
          throw invalid("it lists " + path + " twice");
        }
        IncrementalRebuild.Rewritten r = byPath.remove(path);
        if (r != null) {
          done.add(path);
          out.writeBytes(
              (entryLine(r, node) + line.substring(entry.length()))
                  .getBytes(StandardCharsets.UTF_8));
          start = end;
          continue;
        }
      }
      out.write(manifest, start, end - start);
      start = end;
    }
    if (!byPath.isEmpty()) {
      throw invalid("it does not list " + byPath.keySet().iterator().next() + ", which was sent");
    }
    byte[] body = out.toByteArray();
    out.writeBytes(
        ("\"Manifest-Checksum\": \"" + sha256(body, body.length) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The stored file's entry, in the server's layout, after checking the sent one. */
  private static String entryLine(IncrementalRebuild.Rewritten r, JsonNode sent) {
    String path = r.serverPath();
    if (!sent.path("Size").canConvertToLong() || sent.path("Size").asLong() != r.memberSize()) {
      throw invalid(
          path
              + " is listed with size "
              + sent.path("Size")
              + " but "
              + r.memberSize()
              + " bytes were sent");
    }
    if (!sent.path("Checksum-Algorithm").asText().equals("CRC32C")) {
      throw invalid(
          path
              + " has checksum algorithm "
              + sent.path("Checksum-Algorithm")
              + ", not the CRC32C the backup asked for");
    }
    String checksum = sent.path("Checksum").asText();
    ByteOrder order;
    if (checksum.equals(crcHex(r.memberCrc(), ByteOrder.LITTLE_ENDIAN))) {
      order = ByteOrder.LITTLE_ENDIAN;
    } else if (checksum.equals(crcHex(r.memberCrc(), ByteOrder.BIG_ENDIAN))) {
      // PostgreSQL writes the CRC in its memory order: big-endian on s390x
      order = ByteOrder.BIG_ENDIAN;
    } else {
      throw invalid(
          path
              + " is listed with CRC32C "
              + checksum
              + " but the bytes sent have "
              + crcHex(r.memberCrc(), ByteOrder.LITTLE_ENDIAN));
    }
    String modified = sent.path("Last-Modified").asText();
    if (!sent.path("Last-Modified").isTextual()) {
      throw invalid(path + " has no Last-Modified");
    }
    return "{ \"Path\": "
        + escape(r.path())
        + ", \"Size\": "
        + r.stored().size()
        + ", \"Last-Modified\": "
        + escape(modified)
        + ", \"Checksum-Algorithm\": \"CRC32C\", \"Checksum\": \""
        + crcHex(r.stored().crc32c(), order)
        + "\" }";
  }

  private static JsonNode parse(String entry) {
    try {
      JsonNode node = MAPPER.readTree(entry);
      if (node == null || !node.isObject()) {
        throw invalid("a file line is not a JSON object: " + entry);
      }
      return node;
    } catch (IOException e) {
      throw invalid("a file line does not parse: " + entry);
    }
  }

  static String crcHex(int crc, ByteOrder order) {
    return HexFormat.of().formatHex(ByteBuffer.allocate(4).order(order).putInt(crc).array());
  }

  /** A JSON string as PostgreSQL's {@code escape_json} writes it. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < ' ') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static int lastLineStart(byte[] manifest) {
    if (manifest.length == 0 || manifest[manifest.length - 1] != '\n') {
      throw invalid("it does not end with a newline");
    }
    int i = manifest.length - 2;
    while (i >= 0 && manifest[i] != '\n') {
      i--;
    }
    if (i < 0) {
      throw invalid("it has a single line");
    }
    return i + 1;
  }

  private static String sha256(byte[] content, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(content, 0, length);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static HardstorageException invalid(String what) {
    return new HardstorageException(
        "backup.manifest_invalid",
        ExitCode.ERROR,
        "PostgreSQL's backup_manifest of the incremental backup cannot be rewritten: " + what,
        "run the backup again; if it recurs, report it with the server's version");
  }
}
