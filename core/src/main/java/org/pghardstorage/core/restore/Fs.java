package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The restore's file system primitives: directories created with mode 0700, permissions from
 * manifest modes, fsync of files and directories. Remembers every directory it created or wrote
 * into, so that {@link #syncDirectories} makes their entries durable. Thread-safe.
 */
final class Fs {
  static final int DIR_MODE = 0700;
  static final int FILE_MODE = 0600;

  /** The largest file {@link #readSmallFile} reads: configuration files, not data. */
  static final long MAX_SMALL_FILE = 64L << 20;

  /**
   * Flushes an open file or directory to stable storage: {@link FileChannel#force}, or in tests a
   * stand-in that records the order of syncs or fails one.
   */
  @FunctionalInterface
  interface Forcer {
    void force(FileChannel channel, Path path) throws IOException;
  }

  static final Forcer FSYNC = (channel, path) -> channel.force(true);

  private final boolean sync;
  private final Forcer forcer;
  private final Set<Path> touchedDirs = new LinkedHashSet<>();

  Fs(boolean sync) {
    this(sync, FSYNC);
  }

  Fs(boolean sync, Forcer forcer) {
    this.sync = sync;
    this.forcer = forcer;
  }

  boolean syncEnabled() {
    return sync;
  }

  /**
   * Creates {@code root} and missing parents (0700) and sets {@code root} to 0700. The root may be
   * a link the operator chose; its directory gets the mode.
   */
  void createRoot(Path root) {
    createDirectories(root);
    try {
      Files.setPosixFilePermissions(root, permissionSet(DIR_MODE));
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(root, e);
    }
    // The root's own entry lives in its parent.
    touched(root.getParent());
  }

  /**
   * Creates {@code dir} and its missing parents with mode 0700. An existing link to a directory
   * counts as a directory: that can only be a target root or one of its ancestors, because the
   * planner refuses manifests with a path below one of their own links.
   */
  void createDirectories(Path dir) {
    if (Files.isDirectory(dir)) {
      touched(dir);
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, perms(DIR_MODE));
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(dir, e);
    }
    touched(dir);
    touched(parent);
  }

  /** Creates an empty regular file with mode 0600; it must not exist. */
  void createFile(Path file) {
    try {
      Files.createFile(file, perms(FILE_MODE));
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(file, e);
    }
  }

  /**
   * Writes a whole small file (created or truncated, mode 0600) and syncs it if enabled. A symbolic
   * link in its place is not followed: the write fails instead.
   */
  void writeSmallFile(Path file, byte[] content) {
    try (FileChannel ch =
        FileChannel.open(
            file,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS),
            perms(FILE_MODE))) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (sync) {
        forcer.force(ch, file);
      }
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(file, e);
    }
    touched(file.getParent());
  }

  /**
   * The content of a small file if it exists, read without following a symbolic link in its place.
   */
  java.util.Optional<byte[]> readSmallFile(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Optional.empty();
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > MAX_SMALL_FILE) {
        throw RestoreErrors.writeFailed(
            file, new IOException("it holds " + size + " bytes, more than " + MAX_SMALL_FILE));
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read until full or end of file
      }
      return java.util.Optional.of(java.util.Arrays.copyOf(buf.array(), buf.position()));
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(file, e);
    }
  }

  /** Deletes a file if it exists; the deletion is made durable by {@link #syncDirectories}. */
  void deleteIfExists(Path file) {
    try {
      if (Files.deleteIfExists(file)) {
        touched(file.getParent());
      }
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(file, e);
    }
  }

  /**
   * Sets permission bits; bits above 0777 (setuid, sticky) are not restored. A symbolic link in the
   * path's place is not followed.
   */
  void setMode(Path path, int mode) {
    try {
      Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(permissionSet(mode));
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(path, e);
    }
  }

  /**
   * Gives a completely written file the manifest's mode and modification time and, if syncing is
   * enabled, flushes its content and those attributes to stable storage. The file is opened (mode
   * 0600, as created) before its mode is set, so a mode without read permission cannot keep it from
   * being synced. A symbolic link in its place is not followed.
   */
  void finishFile(Path file, int mode, Instant mtime) {
    if (!sync) {
      setMode(file, mode);
      setTime(file, mtime);
      return;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      setMode(file, mode);
      setTime(file, mtime);
      forcer.force(ch, file);
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(file, e);
    }
  }

  /** Sets a file's or directory's modification time; a symbolic link is not followed. */
  void setTime(Path path, Instant mtime) {
    try {
      Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(mtime), null, null);
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(path, e);
    }
  }

  /** Makes the entries of every directory created or written into durable. */
  void syncDirectories() {
    if (!sync) {
      return;
    }
    Set<Path> dirs;
    synchronized (touchedDirs) {
      dirs = new LinkedHashSet<>(touchedDirs);
    }
    for (Path dir : dirs) {
      fsync(dir);
    }
  }

  /** Syncs one directory now (for the marker files, whose order matters), if enabled. */
  void syncDirectory(Path dir) {
    if (sync) {
      fsync(dir);
    }
  }

  void touched(Path dir) {
    if (dir != null) {
      synchronized (touchedDirs) {
        touchedDirs.add(dir);
      }
    }
  }

  static FileAttribute<Set<PosixFilePermission>> perms(int mode) {
    return PosixFilePermissions.asFileAttribute(permissionSet(mode));
  }

  static Set<PosixFilePermission> permissionSet(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }

  /** fsync: on Linux a directory can be opened for reading and forced like a file. */
  private void fsync(Path path) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      forcer.force(ch, path);
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(path, e);
    }
  }
}
