package org.pghardstorage.core.storage.fs;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The permissions of what a {@link FileSystemObjectStore} creates, taken from the root directory so
 * that every writer, in every process, keeps the choice made when the repository was created: owner
 * only ({@code 0700} directories, {@code 0600} files, like PGDATA), plus read access for the group
 * when the root grants its group read access ({@code 0750}/{@code 0640}, how PostgreSQL's OS user
 * is let read a repository another user writes), plus read access for others when the root grants
 * others read access (a throw-away setup's choice; pg_hardstorage never makes one). Write access is
 * never given beyond the owner. The modes are set explicitly, whatever the umask; a directory keeps
 * its set-group-ID bit, through which new objects inherit the root's group.
 */
final class FsModes {
  /** For filesystems without POSIX permissions: nothing is set. */
  static final FsModes UNSUPPORTED = new FsModes(Optional.empty(), Optional.empty());

  private final Optional<Set<PosixFilePermission>> directories;
  private final Optional<Set<PosixFilePermission>> files;

  private FsModes(
      Optional<Set<PosixFilePermission>> directories, Optional<Set<PosixFilePermission>> files) {
    this.directories = directories;
    this.files = files;
  }

  /** The modes for a store rooted at {@code root}, from the root's permissions. */
  static FsModes of(Path root) throws IOException {
    Set<PosixFilePermission> rootMode;
    try {
      rootMode = Files.getPosixFilePermissions(root);
    } catch (UnsupportedOperationException e) {
      return UNSUPPORTED;
    }
    Set<PosixFilePermission> dirs = EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);
    Set<PosixFilePermission> files = EnumSet.of(OWNER_READ, OWNER_WRITE);
    if (rootMode.contains(GROUP_READ)) {
      dirs.addAll(EnumSet.of(GROUP_READ, GROUP_EXECUTE));
      files.add(GROUP_READ);
    }
    if (rootMode.contains(OTHERS_READ)) {
      dirs.addAll(EnumSet.of(OTHERS_READ, OTHERS_EXECUTE));
      files.add(OTHERS_READ);
    }
    return new FsModes(Optional.of(Set.copyOf(dirs)), Optional.of(Set.copyOf(files)));
  }

  /** Attributes to create a file with: never wider than wanted, whatever the umask. */
  FileAttribute<?>[] fileAttributes() {
    return files
        .map(f -> new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(f)})
        .orElse(new FileAttribute<?>[0]);
  }

  /** Attributes to create a directory with. */
  FileAttribute<?>[] directoryAttributes() {
    return directories
        .map(d -> new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(d)})
        .orElse(new FileAttribute<?>[0]);
  }

  /** Sets a file just created to the file mode, which the umask may have narrowed. */
  void applyToFile(Path file) throws IOException {
    if (files.isPresent()) {
      Files.setPosixFilePermissions(file, files.get());
    }
  }

  /**
   * Sets a directory just created to the directory mode if the umask narrowed it, keeping the
   * set-group-ID bit it inherited from its parent ({@code chmod} with permission bits alone would
   * clear it, and with it the group inheritance).
   */
  void applyToDirectory(Path dir) throws IOException {
    if (directories.isEmpty() || Files.getPosixFilePermissions(dir).equals(directories.get())) {
      return;
    }
    try {
      int mode = (Integer) Files.getAttribute(dir, "unix:mode");
      Files.setAttribute(dir, "unix:mode", (mode & ~0777) | bits(directories.get()));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no "unix" attribute view (not Linux or macOS): no set-group-ID bit to keep either
      Files.setPosixFilePermissions(dir, directories.get());
    }
  }

  /** The permission bits of {@code permissions} as an octal mode. */
  static int bits(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 0400 >> p.ordinal();
    }
    return mode;
  }
}
