package org.pghardstorage.core.repo.manifest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkRef;

/**
 * One file, directory or symbolic link of an archive. Construct with {@link #file}, {@link
 * #directory} or {@link #symlink}; the canonical constructor (used by the JSON codec) enforces the
 * rules of format spec §10.
 *
 * @param path relative, {@code /}-separated, without empty, {@code .} or {@code ..} segments
 * @param type what it is
 * @param size plaintext size: the sum of the bytes its chunk refs contribute ({@link
 *     ChunkRef#length()}) for a file, 0 otherwise
 * @param mode POSIX permission bits (0–07777)
 * @param mtime modification time
 * @param linkTarget the link target for a symlink; {@code null} otherwise (see {@link
 *     #symlinkTarget()})
 * @param crc32c CRC32C of the whole plaintext as 8 hex digits for a file; {@code null} otherwise
 *     (see {@link #checksum()})
 * @param chunks the file's chunks in order; empty unless a file
 */
public record FileEntry(
    String path,
    FileType type,
    long size,
    int mode,
    Instant mtime,
    String linkTarget,
    String crc32c,
    List<ChunkRef> chunks) {

  /** Validates the fields. */
  public FileEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mtime, "mtime");
    chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
    requireRelativePath(path);
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException(
          "'" + path + "' has mode " + Integer.toOctalString(mode) + ", outside 0..7777");
    }
    if ((linkTarget != null) != (type == FileType.SYMLINK)) {
      throw new IllegalArgumentException("'" + path + "': link_target is required iff symlink");
    }
    if ((crc32c != null) != (type == FileType.FILE)) {
      throw new IllegalArgumentException("'" + path + "': crc32c is required iff file");
    }
    if (crc32c != null && !crc32c.matches("[0-9a-f]{8}")) {
      throw new IllegalArgumentException("'" + path + "': crc32c '" + crc32c + "' is not 8 hex");
    }
    long sum = 0;
    for (ChunkRef c : chunks) {
      sum += c.length();
    }
    if (type != FileType.FILE && (size != 0 || !chunks.isEmpty())) {
      throw new IllegalArgumentException("'" + path + "': only a file has a size and chunks");
    }
    if (size != sum) {
      throw new IllegalArgumentException(
          "'" + path + "': size " + size + " differs from the chunks' total " + sum);
    }
  }

  /** A regular file. */
  public static FileEntry file(
      String path, int mode, Instant mtime, long size, int crc32c, List<ChunkRef> chunks) {
    return new FileEntry(
        path, FileType.FILE, size, mode, mtime, null, String.format("%08x", crc32c), chunks);
  }

  /** A directory. */
  public static FileEntry directory(String path, int mode, Instant mtime) {
    return new FileEntry(path, FileType.DIR, 0, mode, mtime, null, null, List.of());
  }

  /** A symbolic link. */
  public static FileEntry symlink(String path, int mode, Instant mtime, String target) {
    Objects.requireNonNull(target, "target");
    return new FileEntry(path, FileType.SYMLINK, 0, mode, mtime, target, null, List.of());
  }

  /** The link target, present iff this is a symlink. */
  public Optional<String> symlinkTarget() {
    return Optional.ofNullable(linkTarget);
  }

  /** The CRC32C of the plaintext, present iff this is a file. */
  public Optional<Integer> checksum() {
    return Optional.ofNullable(crc32c).map(h -> Integer.parseUnsignedInt(h, 16));
  }

  static void requireRelativePath(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException(
          "file path '" + path + "' must be relative, without leading or trailing '/'");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "file path '" + path + "' has an empty, '.' or '..' segment");
      }
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("file path '" + path + "' contains a NUL byte");
    }
  }
}
