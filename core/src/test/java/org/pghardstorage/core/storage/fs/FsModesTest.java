package org.pghardstorage.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.storage.ObjectKey;

/**
 * New objects and directories get the modes the root directory implies, like PGDATA: owner only, or
 * group-readable when the root is, whatever the process umask.
 */
class FsModesTest {
  private static final int SET_GROUP_ID = 02000;

  @TempDir Path temp;

  private Path rootWithMode(int mode) throws IOException {
    Path root = Files.createDirectory(temp.resolve("repo"));
    Files.setAttribute(root, "unix:mode", mode);
    return root;
  }

  private static void write(Path root) {
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    store.putIfAbsent(ObjectKey.of("data/ab/abcdef"), "pack".getBytes(StandardCharsets.UTF_8));
    store.put(ObjectKey.of("locks/0123"), "lock".getBytes(StandardCharsets.UTF_8));
    store.putIfAbsent(ObjectKey.of("config"), "{}".getBytes(StandardCharsets.UTF_8));
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static int unixMode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode");
  }

  @Test
  void anOwnerOnlyRootGivesOwnerOnlyObjectsAndDirectories() throws IOException {
    Path root = rootWithMode(0700);

    write(root);

    assertThat(mode(root.resolve("data"))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("data/ab"))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("locks"))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("data/ab/abcdef"))).isEqualTo("rw-------");
    assertThat(mode(root.resolve("locks/0123"))).isEqualTo("rw-------");
    assertThat(mode(root.resolve("config"))).isEqualTo("rw-------");
  }

  @Test
  void aGroupReadableRootGivesGroupReadableObjectsAndKeepsTheSetGroupIdBit() throws IOException {
    Path root = rootWithMode(SET_GROUP_ID | 0750);

    write(root);

    assertThat(mode(root.resolve("data/ab"))).isEqualTo("rwxr-x---");
    assertThat(unixMode(root.resolve("data/ab")) & SET_GROUP_ID)
        .as("new objects keep inheriting the root's group")
        .isEqualTo(SET_GROUP_ID);
    assertThat(mode(root.resolve("data/ab/abcdef"))).isEqualTo("rw-r-----");
    assertThat(mode(root.resolve("locks/0123"))).isEqualTo("rw-r-----");
    assertThat(Files.getAttribute(root.resolve("data/ab/abcdef"), "unix:gid"))
        .isEqualTo(Files.getAttribute(root, "unix:gid"));
  }

  @Test
  void writeAccessIsNeverGivenBeyondTheOwner() throws IOException {
    Path root = rootWithMode(0777);

    write(root);

    assertThat(mode(root.resolve("data/ab"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(root.resolve("data/ab/abcdef"))).isEqualTo("rw-r--r--");
  }
}
