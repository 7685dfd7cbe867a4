package org.pghardstorage.core.storage.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageUnavailableException;

/**
 * Turns an {@link IOException} from the filesystem into the SPI's error types with a message that
 * names the path and a suggestion. Permission, space and read-only problems are {@link
 * StorageUnavailableException}: the operator can fix them and a retry can then succeed.
 */
final class FsErrors {
  private FsErrors() {}

  /**
   * Classifies {@code e}.
   *
   * @param doing what we were doing, for example {@code "writing object 'data/ab/x'"}
   * @param where the file or directory the failure concerns, unless the exception names one
   * @param root the store's root, named in suggestions
   * @param bytesNeeded bytes a write needed, to recognise a full disk whatever the message's
   *     language; 0 for reads
   */
  static StorageException classify(
      String doing, Path where, Path root, long bytesNeeded, IOException e) {
    String reason = reason(e);
    // the exception's own file is the most precise, for example the parent directory we may not
    // write to rather than the file we wanted to create in it
    Path path =
        e instanceof FileSystemException fse && fse.getFile() != null
            ? Path.of(fse.getFile())
            : where;
    if (e instanceof AccessDeniedException) {
      return new StorageUnavailableException(
          doing + " failed: permission denied on " + path,
          "give the user '"
              + System.getProperty("user.name")
              + "' read and write access to "
              + root
              + " and everything below it",
          e);
    }
    if (isNoSpace(reason) || (bytesNeeded > 0 && usableSpace(path) < bytesNeeded)) {
      return new StorageUnavailableException(
          doing + " failed: no space left on the file system holding " + path + " (" + reason + ")",
          "free space on that file system (or raise the quota), for example by running retention"
              + " to prune old backups, then retry",
          e);
    }
    if (isReadOnly(reason) || readOnlyStore(path)) {
      return new StorageUnavailableException(
          doing + " failed: the file system holding " + path + " is read-only (" + reason + ")",
          "remount it read-write; the kernel remounts a file system read-only after I/O errors,"
              + " so check dmesg first",
          e);
    }
    return new StorageException(
        doing + " failed on " + path + ": " + reason,
        "check the file system holding " + root + " and the kernel log (dmesg) for I/O errors",
        e);
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static boolean isNoSpace(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    return r.contains("no space left") || r.contains("disk quota exceeded");
  }

  private static boolean isReadOnly(String reason) {
    return reason.toLowerCase(Locale.ROOT).contains("read-only file system");
  }

  /** Free bytes where {@code path} lives; the messages above may be localised, this is not. */
  private static long usableSpace(Path path) {
    try {
      return store(path).getUsableSpace();
    } catch (IOException probeFailed) {
      // the probe is only a second opinion; the original error is reported either way
      return Long.MAX_VALUE;
    }
  }

  private static boolean readOnlyStore(Path path) {
    try {
      return store(path).isReadOnly();
    } catch (IOException probeFailed) {
      return false;
    }
  }

  private static FileStore store(Path path) throws IOException {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new IOException("no existing ancestor of " + path);
    }
    return Files.getFileStore(existing);
  }
}
