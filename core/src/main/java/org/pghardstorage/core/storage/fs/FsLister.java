package org.pghardstorage.core.storage.fs;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;

/**
 * Listing for {@link FileSystemObjectStore}. A key prefix is a plain string prefix, so {@code
 * wal/db1} must match {@code wal/db1/x} and {@code wal/db10/x}: the walk starts in the deepest
 * directory the prefix names completely ({@code wal}), keeps the entries there whose names start
 * with the rest ({@code db1}), and takes everything below those. Names that cannot be key segments
 * (temporary files, other hidden files, foreign names) are skipped, and so are empty directories,
 * which hold no files. Entries that vanish during the walk (concurrent deletes) are skipped too.
 */
final class FsLister {
  private static final Set<FileVisitOption> FOLLOW_LINKS = EnumSet.of(FileVisitOption.FOLLOW_LINKS);

  private final FsRoot root;

  FsLister(FsRoot root) {
    this.root = root;
  }

  List<ObjectInfo> list(String prefix) throws IOException {
    int slash = prefix.lastIndexOf('/');
    String dirPart = slash < 0 ? "" : prefix.substring(0, slash);
    String namePrefix = prefix.substring(slash + 1);
    if (slash >= 0 && !ObjectKey.isValid(dirPart)) {
      return List.of(); // "../", "/abs", "a//": no key starts like that
    }
    Path start = dirPart.isEmpty() ? root.path() : root.path().resolve(dirPart);
    List<ObjectInfo> found = new ArrayList<>();
    Files.walkFileTree(
        start, FOLLOW_LINKS, Integer.MAX_VALUE, new Collector(start, namePrefix, found));
    found.sort(Comparator.comparing(ObjectInfo::key));
    return found;
  }

  /** Deletes files named {@code tempPrefix*} last modified before {@code minAge} ago. */
  static int deleteTempFiles(Path root, String tempPrefix, Duration minAge) throws IOException {
    Instant cutoff = Instant.now().minus(minAge);
    int[] deleted = {0};
    Files.walkFileTree(
        root,
        FOLLOW_LINKS,
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()
                && file.getFileName().toString().startsWith(tempPrefix)
                && attributes.lastModifiedTime().toInstant().isBefore(cutoff)
                && Files.deleteIfExists(file)) {
              deleted[0]++;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            return skipIfVanished(e);
          }
        });
    return deleted[0];
  }

  /** Whether an ancestor of {@code path} below the root is a file rather than a directory. */
  private boolean runsThroughAFile(Path path) {
    for (Path d = path.getParent(); d != null && !d.equals(root.path()); d = d.getParent()) {
      if (Files.isRegularFile(d)) {
        return true;
      }
    }
    return false;
  }

  private static FileVisitResult skipIfVanished(IOException e) throws IOException {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
      return FileVisitResult.CONTINUE;
    }
    throw e;
  }

  private final class Collector extends SimpleFileVisitor<Path> {
    private final Path start;
    private final String namePrefix;
    private final List<ObjectInfo> found;

    Collector(Path start, String namePrefix, List<ObjectInfo> found) {
      this.start = start;
      this.namePrefix = namePrefix;
      this.found = found;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
      if (dir.equals(start)) {
        return FileVisitResult.CONTINUE;
      }
      return wanted(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
      // the start itself is a file when the prefix names an object followed by "/"
      if (attributes.isRegularFile() && !file.equals(start) && wanted(file)) {
        String key = root.keyOf(file);
        if (ObjectKey.isValid(key)) {
          found.add(
              new ObjectInfo(
                  ObjectKey.of(key), attributes.size(), attributes.lastModifiedTime().toInstant()));
        }
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      if (file.equals(start) && runsThroughAFile(start)) {
        return FileVisitResult.CONTINUE; // ENOTDIR: the prefix continues past an object
      }
      return skipIfVanished(e);
    }

    /** Names must be key segments; directly below the start they must also match the prefix. */
    private boolean wanted(Path path) {
      String name = path.getFileName().toString();
      if (!ObjectKey.isValid(name)) {
        return false;
      }
      return !path.getParent().equals(start) || name.startsWith(namePrefix);
    }
  }
}
