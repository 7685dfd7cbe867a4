package org.pghardstorage.core.storage.fs;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable half of every write of {@link FileSystemObjectStore}: a hidden temporary file beside
 * the target, written and fsynced before anyone can see it; the directories it needs, created and
 * fsynced; and the directory fsync after the object is published. Files and directories get the
 * store's {@link FsModes}, whatever the umask.
 */
final class TempFileWriter {
  /** Name prefix of temporary files; no key segment can start with a dot. */
  static final String TEMP_PREFIX = ".tmp-";

  /** How often a write recreates its directory when concurrent deletes keep removing it. */
  private static final int MAX_DIRECTORY_RACES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(TempFileWriter.class);

  private final FsRoot root;
  private final FileIo io;

  TempFileWriter(FsRoot root, FileIo io) {
    this.root = root;
    this.io = Objects.requireNonNull(io, "io");
  }

  /**
   * Writes {@code data} to a new, fsynced and closed temporary file in {@code target}'s directory,
   * creating the directory if needed. On failure nothing is left behind.
   */
  Path write(ObjectKey key, Path target, byte[] data) {
    Objects.requireNonNull(data, "data");
    Path dir = target.getParent();
    for (int attempt = 1; attempt <= MAX_DIRECTORY_RACES; attempt++) {
      Path temp =
          dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      FsModes modes = root.modes();
      FileChannel channel;
      try {
        channel = FileChannel.open(temp, Set.of(CREATE_NEW, WRITE), modes.fileAttributes());
      } catch (NoSuchFileException e) {
        // first object under this prefix, or a concurrent delete just removed the emptied
        // directory: (re)create it and try again
        createDirectories(key, dir);
        continue;
      } catch (FileAlreadyExistsException e) {
        continue; // a random name collided; draw another
      } catch (IOException e) {
        Optional<Path> file = root.fileAmongAncestors(dir);
        throw file.isPresent()
            ? root.objectInTheWay(key, file.get(), e)
            : root.failure("writing object '" + key + "'", temp, data.length, e);
      }
      try (channel) {
        modes.applyToFile(temp);
        io.write(channel, ByteBuffer.wrap(data), temp);
        io.force(channel, temp);
      } catch (IOException e) {
        throw deleteAfter(temp, root.failure("writing object '" + key + "'", temp, data.length, e));
      }
      return temp;
    }
    throw new StorageException(
        "writing object '"
            + key
            + "' failed: directory "
            + dir
            + " disappeared "
            + MAX_DIRECTORY_RACES
            + " times while creating it",
        "another process keeps deleting under the same prefix; stop it and retry",
        null);
  }

  /** Fsyncs the directory holding {@code file}, after an object in it was published or deleted. */
  void syncParentOf(ObjectKey key, Path file) {
    try {
      syncDirectory(file.getParent());
    } catch (NoSuchFileException e) {
      // a concurrent delete of this very key removed the file and its directory: nothing is left
      // whose durability we owe
      LOG.debug("directory of {} vanished before fsync: {}", key, e.getMessage());
    } catch (IOException e) {
      throw root.failure("syncing the directory of object '" + key + "'", file.getParent(), 0, e);
    }
  }

  /** Deletes a temporary file whose content is already published under its key. */
  void deletePublished(Path temp) {
    try {
      Files.delete(temp);
    } catch (IOException e) {
      // the object is published; a leftover hidden temp file costs space, not correctness
      LOG.warn(
          "could not delete temporary file {} ({}); deleteAbandonedTempFiles will remove it",
          temp,
          e.toString());
    }
  }

  /** Removes the temporary file after {@code failure}, recording a second failure on it. */
  static StorageException deleteAfter(Path temp, StorageException failure) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  /**
   * Creates the directories from the root down to {@code dir}, fsyncing each parent that gains an
   * entry. Returns quietly if a concurrent delete removes a parent meanwhile; the caller retries.
   */
  private void createDirectories(ObjectKey key, Path dir) {
    root.require();
    Path current = root.path();
    for (Path name : root.path().relativize(dir)) {
      Path parent = current;
      current = current.resolve(name);
      try {
        Files.createDirectory(current, root.modes().directoryAttributes());
        root.modes().applyToDirectory(current);
        syncDirectory(parent);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(current)) {
          throw root.objectInTheWay(key, current, e);
        }
      } catch (NoSuchFileException e) {
        return;
      } catch (IOException e) {
        throw root.failure("creating directory for object '" + key + "'", current, 1, e);
      }
    }
  }

  private void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, READ)) {
      io.force(channel, dir);
    }
  }
}
