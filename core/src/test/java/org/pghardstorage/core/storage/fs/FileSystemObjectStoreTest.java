package org.pghardstorage.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageUnavailableException;

/** What the filesystem backend does on disk, beyond the shared contract. */
class FileSystemObjectStoreTest {
  @TempDir Path temp;
  private Path root;
  private FileSystemObjectStore store;

  @BeforeEach
  void createRoot() throws IOException {
    root = Files.createDirectory(temp.resolve("repo"));
    store = new FileSystemObjectStore(root);
  }

  // ---- layout -------------------------------------------------------------------------------

  @Test
  void objectsAreFilesUnderTheRootAndNothingElseIsLeft() throws IOException {
    store.putIfAbsent(key("data/ab/abcdef"), bytes("chunk"));
    store.put(key("locks/heartbeat"), bytes("beat"));

    assertThat(Files.readString(root.resolve("data/ab/abcdef"))).isEqualTo("chunk");
    assertThat(Files.readString(root.resolve("locks/heartbeat"))).isEqualTo("beat");
    assertThat(allFiles()).containsExactly(Path.of("data/ab/abcdef"), Path.of("locks/heartbeat"));
  }

  @Test
  void describeIsTheFileUrl() {
    assertThat(store.describe()).isEqualTo("file://" + root);
    assertThat(store.root()).isEqualTo(root);
  }

  @Test
  void aRelativeRootIsRejectedNamingIt() {
    assertThatThrownBy(() -> new FileSystemObjectStore(Path.of("repo")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'repo'")
        .hasMessageContaining("absolute");
  }

  // ---- temporary files ----------------------------------------------------------------------

  @Test
  void temporaryAndForeignFilesAreNeverListed() throws IOException {
    store.putIfAbsent(key("data/ab/abc"), bytes("x"));
    Files.writeString(root.resolve(".tmp-0123abcd"), "crash leftover");
    Files.writeString(root.resolve("data/ab/.tmp-deadbeef"), "crash leftover");
    Files.writeString(root.resolve("data/ab/has space"), "foreign");
    Files.createDirectories(root.resolve(".git/objects"));
    Files.writeString(root.resolve(".git/objects/x"), "foreign");

    assertThat(keys(store.list(""))).containsExactly("data/ab/abc");
    assertThat(keys(store.list("data/ab/"))).containsExactly("data/ab/abc");
    assertThat(store.list(".tmp")).isEmpty();
    assertThat(store.list("data/ab/.tmp")).isEmpty();
  }

  @Test
  void emptyDirectoriesAreInvisible() throws IOException {
    Files.createDirectories(root.resolve("wal/db1/empty"));
    store.putIfAbsent(key("wal/db2/seg"), bytes("x"));

    assertThat(keys(store.list("wal/"))).containsExactly("wal/db2/seg");
    assertThat(store.list("wal/db1")).isEmpty();
    assertThat(store.stat(key("wal/db1/empty"))).isEmpty();
  }

  @Test
  void deleteAbandonedTempFilesRemovesOnlyOldTemporaryFiles() throws IOException {
    FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    store.putIfAbsent(key("data/ab/old-object"), bytes("keep"));
    Files.setLastModifiedTime(root.resolve("data/ab/old-object"), twoHoursAgo);
    Path oldTop = Files.writeString(root.resolve(".tmp-1"), "crash leftover");
    Path oldNested = Files.writeString(root.resolve("data/ab/.tmp-2"), "crash leftover");
    Path young = Files.writeString(root.resolve("data/ab/.tmp-3"), "write in progress");
    Files.setLastModifiedTime(oldTop, twoHoursAgo);
    Files.setLastModifiedTime(oldNested, twoHoursAgo);

    int deleted = store.deleteAbandonedTempFiles(Duration.ofHours(1));

    assertThat(deleted).isEqualTo(2);
    assertThat(oldTop).doesNotExist();
    assertThat(oldNested).doesNotExist();
    assertThat(young).exists();
    assertThat(store.get(key("data/ab/old-object"))).isEqualTo(bytes("keep"));
  }

  // ---- directories --------------------------------------------------------------------------

  @Test
  void deleteRemovesDirectoriesLeftEmptyButNeverTheRoot() {
    store.putIfAbsent(key("a/b/c/k"), bytes("1"));
    store.putIfAbsent(key("a/x"), bytes("2"));

    store.delete(key("a/b/c/k"));

    assertThat(root.resolve("a/b")).doesNotExist();
    assertThat(root.resolve("a/x")).exists();

    store.delete(key("a/x"));

    assertThat(root.resolve("a")).doesNotExist();
    assertThat(root).isDirectory();
  }

  @Test
  void symbolicLinksAreFollowedAndNeverRemoved() throws IOException {
    Path elsewhere = Files.createDirectory(temp.resolve("other-disk"));
    Files.createSymbolicLink(root.resolve("data"), elsewhere);

    store.putIfAbsent(key("data/ab/k"), bytes("linked"));

    assertThat(elsewhere.resolve("ab/k")).hasContent("linked");
    assertThat(keys(store.list("data/"))).containsExactly("data/ab/k");

    store.delete(key("data/ab/k"));

    assertThat(elsewhere.resolve("ab")).doesNotExist();
    assertThat(root.resolve("data")).isSymbolicLink();
    assertThat(elsewhere).isDirectory();
  }

  @Test
  void aKeyThatIsADirectoryIsNotAnObjectAndCannotBeWritten() {
    store.putIfAbsent(key("a/b"), bytes("below"));

    assertThatThrownBy(() -> store.putIfAbsent(key("a"), bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("is a directory");
    assertThatThrownBy(() -> store.put(key("a"), bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is a directory");
    assertThatThrownBy(() -> store.get(key("a"))).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.getRange(key("a"), 0, 0))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.stat(key("a"))).isEmpty();
    store.delete(key("a"));
    assertThat(store.get(key("a/b"))).isEqualTo(bytes("below"));
  }

  @Test
  void aKeyBelowAnObjectIsMissingAndCannotBeWritten() {
    store.putIfAbsent(key("a/b"), bytes("object"));

    assertThatThrownBy(() -> store.putIfAbsent(key("a/b/c"), bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("'a/b/c'")
        .hasMessageContaining("is the object 'a/b'");
    assertThatThrownBy(() -> store.get(key("a/b/c"))).isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.stat(key("a/b/c"))).isEmpty();
    assertThat(store.list("a/b/")).isEmpty();
    assertThat(store.list("a/b/c/d")).isEmpty();
    assertThatCode(() -> store.delete(key("a/b/c"))).doesNotThrowAnyException();
    assertThat(store.get(key("a/b"))).isEqualTo(bytes("object"));
  }

  // ---- a missing or unusable root -----------------------------------------------------------

  @Test
  void aMissingRootIsUnavailableForEveryCallAndIsNotCreated() throws IOException {
    Files.delete(root);
    List<Consumer<ObjectStore>> calls =
        List.of(
            s -> s.putIfAbsent(key("data/ab/k"), bytes("x")),
            s -> s.putIfAbsent(key("top"), bytes("x")),
            s -> s.put(key("data/ab/k"), bytes("x")),
            s -> s.get(key("data/ab/k")),
            s -> s.getRange(key("data/ab/k"), 0, 1),
            s -> s.stat(key("data/ab/k")),
            s -> s.list(""),
            s -> s.list("data/"),
            s -> s.delete(key("data/ab/k")));

    for (Consumer<ObjectStore> call : calls) {
      assertThatThrownBy(() -> call.accept(store))
          .isInstanceOfSatisfying(
              StorageUnavailableException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
                assertThat(e.suggestion()).get().asString().contains("mkdir -p " + root);
              })
          .hasMessageContaining(root + " does not exist");
    }
    assertThat(root).doesNotExist();
  }

  @Test
  void aRootThatIsAFileIsUnavailable() throws IOException {
    Files.delete(root);
    Files.writeString(root, "not a directory");

    assertThatThrownBy(() -> store.list(""))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining(root + " is not a directory");
    assertThatThrownBy(() -> store.putIfAbsent(key("k"), bytes("x")))
        .isInstanceOf(StorageUnavailableException.class);
  }

  // ---- failing writes (through the FileIo seam, no privileges needed) -----------------------

  @Test
  void aFullDiskFailsTheWriteAsUnavailableAndLeavesNothing() throws IOException {
    FileSystemObjectStore full =
        new FileSystemObjectStore(root, failingWrite("No space left on device"));

    assertThatThrownBy(() -> full.putIfAbsent(key("data/ab/k"), new byte[100_000]))
        .isInstanceOfSatisfying(
            StorageUnavailableException.class,
            e -> assertThat(e.suggestion()).get().asString().contains("free space"))
        .hasMessageContaining("'data/ab/k'")
        .hasMessageContaining("no space left")
        .hasMessageContaining(root.resolve("data/ab").toString());
    assertThat(allFiles()).isEmpty();
    assertThat(full.list("")).isEmpty();
    assertThat(full.stat(key("data/ab/k"))).isEmpty();
  }

  @Test
  void aFullDiskDuringReplacementKeepsTheOldContent() throws IOException {
    store.put(key("wal/current.partial"), bytes("old"));
    FileSystemObjectStore full =
        new FileSystemObjectStore(root, failingWrite("Disk quota exceeded"));

    assertThatThrownBy(() -> full.put(key("wal/current.partial"), new byte[4096]))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("no space left");

    assertThat(full.get(key("wal/current.partial"))).isEqualTo(bytes("old"));
    assertThat(allFiles()).containsExactly(Path.of("wal/current.partial"));
  }

  @Test
  void aReadOnlyFileSystemIsUnavailableWithARemountSuggestion() throws IOException {
    FileSystemObjectStore readOnly =
        new FileSystemObjectStore(root, failingWrite("Read-only file system"));

    assertThatThrownBy(() -> readOnly.put(key("k"), bytes("x")))
        .isInstanceOfSatisfying(
            StorageUnavailableException.class,
            e -> assertThat(e.suggestion()).get().asString().contains("remount"))
        .hasMessageContaining("read-only");
    assertThat(allFiles()).isEmpty();
  }

  @Test
  void permissionDeniedIsUnavailableNamingTheUser() throws IOException {
    FileIo denied =
        new RecordingIo() {
          @Override
          public void write(FileChannel channel, ByteBuffer data, Path file) throws IOException {
            throw new AccessDeniedException(file.toString());
          }
        };
    FileSystemObjectStore store = new FileSystemObjectStore(root, denied);

    assertThatThrownBy(() -> store.putIfAbsent(key("k"), bytes("x")))
        .isInstanceOfSatisfying(
            StorageUnavailableException.class,
            e ->
                assertThat(e.suggestion())
                    .get()
                    .asString()
                    .contains(System.getProperty("user.name"))
                    .contains(root.toString()))
        .hasMessageContaining("permission denied");
    assertThat(allFiles()).isEmpty();
  }

  @Test
  void aFailingFsyncIsAStorageErrorAndLeavesNothing() throws IOException {
    FileIo failingForce =
        new RecordingIo() {
          @Override
          public void force(FileChannel channel, Path file) throws IOException {
            throw new FileSystemException(file.toString(), null, "Input/output error");
          }
        };
    FileSystemObjectStore store = new FileSystemObjectStore(root, failingForce);

    assertThatThrownBy(() -> store.putIfAbsent(key("k"), bytes("x")))
        .isInstanceOfSatisfying(
            StorageException.class,
            e -> {
              assertThat(e).isNotInstanceOf(StorageUnavailableException.class);
              assertThat(e.suggestion()).get().asString().contains("dmesg");
            })
        .hasMessageContaining("Input/output error");
    assertThat(allFiles()).isEmpty();
  }

  // ---- durability ---------------------------------------------------------------------------

  @Test
  void putIfAbsentSyncsTheFileBeforePublishingThenEveryDirectoryItChanged() {
    RecordingIo io = new RecordingIo();
    FileSystemObjectStore store = new FileSystemObjectStore(root, io);

    store.putIfAbsent(key("a/b/k"), bytes("x"));

    assertThat(io.forced).hasSize(4);
    assertThat(io.forced.subList(0, 2)).containsExactly(root, root.resolve("a"));
    assertThat(io.forced.get(2).getParent()).isEqualTo(root.resolve("a/b"));
    assertThat(io.forced.get(2).getFileName().toString()).startsWith(".tmp-");
    assertThat(io.forced.get(3)).isEqualTo(root.resolve("a/b"));
    assertThat(io.writtenBeforeForce).isTrue();
  }

  @Test
  void losingPutIfAbsentAndPutAndDeleteSyncTheDirectory() {
    RecordingIo io = new RecordingIo();
    FileSystemObjectStore store = new FileSystemObjectStore(root, io);
    store.putIfAbsent(key("d/k"), bytes("x"));

    io.forced.clear();
    assertThat(store.putIfAbsent(key("d/k"), bytes("y"))).isFalse();
    assertThat(io.forced).last().isEqualTo(root.resolve("d"));

    io.forced.clear();
    store.put(key("d/k"), bytes("z"));
    assertThat(io.forced).hasSize(2).last().isEqualTo(root.resolve("d"));

    io.forced.clear();
    store.putIfAbsent(key("d/other"), bytes("keeps d"));
    io.forced.clear();
    store.delete(key("d/k"));
    assertThat(io.forced).containsExactly(root.resolve("d"));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static ObjectKey key(String value) {
    return ObjectKey.of(value);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> keys(List<ObjectInfo> infos) {
    return infos.stream().map(i -> i.key().value()).toList();
  }

  /** Every file below the root, relative to it, sorted; directories are not included. */
  private List<Path> allFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  /** Writes half the data, then fails like the kernel would with {@code reason}. */
  private static FileIo failingWrite(String reason) {
    return new RecordingIo() {
      @Override
      public void write(FileChannel channel, ByteBuffer data, Path file) throws IOException {
        data.limit(data.limit() / 2);
        super.write(channel, data, file);
        throw new FileSystemException(file.toString(), null, reason);
      }
    };
  }

  /** Real I/O that records which paths were forced, in order. */
  private static class RecordingIo implements FileIo {
    final List<Path> forced = new CopyOnWriteArrayList<>();
    volatile boolean writtenBeforeForce;
    private volatile boolean written;

    @Override
    public void write(FileChannel channel, ByteBuffer data, Path file) throws IOException {
      FileIo.DEFAULT.write(channel, data, file);
      written = true;
    }

    @Override
    public void force(FileChannel channel, Path fileOrDirectory) throws IOException {
      if (fileOrDirectory.getFileName().toString().startsWith(".tmp-")) {
        writtenBeforeForce = written;
      }
      forced.add(fileOrDirectory);
      FileIo.DEFAULT.force(channel, fileOrDirectory);
    }
  }
}
