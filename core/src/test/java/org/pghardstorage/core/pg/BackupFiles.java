package org.pghardstorage.core.pg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Test helpers that look inside what BASE_BACKUP and START_REPLICATION delivered. */
final class BackupFiles {
  private BackupFiles() {}

  /** Size and CRC32C (as hex, like backup_manifest) of one file. */
  record FileSum(long size, String crc32c) {}

  /** Every regular file of a tar archive with its size and CRC32C, by path. */
  static Map<String, FileSum> tarSums(Path tar) throws IOException {
    Map<String, FileSum> sums = new LinkedHashMap<>();
    try (InputStream raw = Files.newInputStream(tar);
        TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      byte[] buf = new byte[65536];
      while ((e = in.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        CRC32C crc = new CRC32C();
        long size = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
          crc.update(buf, 0, n);
          size += n;
        }
        sums.put(e.getName(), new FileSum(size, crcHex(crc)));
      }
    }
    return sums;
  }

  /**
   * backup_manifest's files: PostgreSQL writes the CRC32C in little-endian byte order as hex, the
   * way it lays out the checksum bytes in memory.
   */
  static Map<String, FileSum> manifestSums(Path manifest) throws IOException {
    JsonNode root = new ObjectMapper().readTree(manifest.toFile());
    Map<String, FileSum> sums = new LinkedHashMap<>();
    for (JsonNode f : root.get("Files")) {
      sums.put(
          f.get("Path").asText(), new FileSum(f.get("Size").asLong(), f.get("Checksum").asText()));
    }
    return sums;
  }

  private static String crcHex(CRC32C crc) {
    int v = (int) crc.getValue();
    return HexFormat.of().formatHex(ByteBuffer.allocate(4).putInt(Integer.reverseBytes(v)).array());
  }

  /** Unpacks a tar archive into {@code dir}. */
  static void extract(Path tar, Path dir) throws IOException {
    try (InputStream raw = Files.newInputStream(tar);
        TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("entry escapes target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
          }
        }
      }
    }
  }

  /** Writes streamed WAL into segment files of {@code walDir}, at their offsets. */
  static void writeWal(
      Path walDir, TimelineId tli, ReplicationEvent.XLogData x, WalSegmentSize size)
      throws IOException {
    ByteBuffer payload = x.payload();
    Lsn at = x.walStart();
    while (payload.hasRemaining()) {
      WalSegmentName seg = WalSegmentName.of(tli, at, size);
      int n = (int) Math.min(payload.remaining(), size.bytes() - at.segmentOffset(size));
      ByteBuffer part = payload.slice(payload.position(), n);
      try (FileChannel ch =
          FileChannel.open(
              walDir.resolve(seg.toString()),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        ch.write(part, at.segmentOffset(size));
      }
      payload.position(payload.position() + n);
      at = at.plus(n);
    }
  }
}
