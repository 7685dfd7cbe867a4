package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pghardstorage.core.repo.manifest.FileType;

/** A directory tree read back from disk without following links, for comparison with a fixture. */
final class TreeSnapshot {
  private TreeSnapshot() {}

  /** Relative path → node, for everything below {@code root}. */
  static Map<String, FakeCluster.Node> read(Path root) {
    Map<String, FakeCluster.Node> out = new TreeMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (!dir.equals(root)) {
                out.put(rel(dir), node(dir, FileType.DIR, new byte[0], null));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (attrs.isSymbolicLink()) {
                out.put(
                    rel(file),
                    node(
                        file,
                        FileType.SYMLINK,
                        new byte[0],
                        Files.readSymbolicLink(file).toString()));
              } else {
                out.put(rel(file), node(file, FileType.FILE, Files.readAllBytes(file), null));
              }
              return FileVisitResult.CONTINUE;
            }

            private String rel(Path p) {
              return root.relativize(p).toString();
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Mode bits of a path (not following a link). */
  static int mode(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      int mode = 0;
      for (PosixFilePermission perm : perms) {
        mode |= 1 << (8 - perm.ordinal());
      }
      return mode;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that {@code actual} holds every expected node, equal in type, content, mode, time. */
  static void assertContains(
      Map<String, FakeCluster.Node> actual, Map<String, FakeCluster.Node> expected) {
    for (Map.Entry<String, FakeCluster.Node> e : expected.entrySet()) {
      FakeCluster.Node want = e.getValue();
      FakeCluster.Node got = actual.get(e.getKey());
      assertThat(got).as("restored %s", e.getKey()).isNotNull();
      assertThat(got.type()).as("type of %s", e.getKey()).isEqualTo(want.type());
      switch (want.type()) {
        case FILE -> {
          assertThat(got.content()).as("content of %s", e.getKey()).isEqualTo(want.content());
          assertThat(got.mode()).as("mode of %s", e.getKey()).isEqualTo(want.mode());
          assertThat(got.mtime()).as("mtime of %s", e.getKey()).isEqualTo(want.mtime());
        }
        case DIR -> {
          assertThat(got.mode()).as("mode of %s", e.getKey()).isEqualTo(want.mode());
          assertThat(got.mtime()).as("mtime of %s", e.getKey()).isEqualTo(want.mtime());
        }
        case SYMLINK ->
            assertThat(got.link()).as("target of %s", e.getKey()).isEqualTo(want.link());
      }
    }
  }

  private static FakeCluster.Node node(Path p, FileType type, byte[] content, String link)
      throws IOException {
    Instant mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
    return new FakeCluster.Node(type, content, mode(p), mtime, link);
  }
}
