package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Format spec §7.3, §8, §9: lengths in clear fields are checked against what is authenticated or
 * present before anything is allocated from them. Forged objects carry huge lengths, re-sealed
 * where the cipher lets anybody do so ({@code none}: CRC32C), and must fail as {@code repo.corrupt}
 * naming the object, not as an {@link OutOfMemoryError} or a gigabyte allocation. What the reading
 * thread allocates is measured, so the test also fails where the heap would have had room.
 */
class ForgedLengthTest {
  /** Far more than any of these reads needs, far less than what a forged length asks for. */
  private static final long ALLOCATION_LIMIT = 64L << 20;

  private final MemoryObjectStore store = new MemoryObjectStore("forged");

  @ParameterizedTest
  @ValueSource(longs = {Integer.MAX_VALUE - 16, Integer.MAX_VALUE, 1L << 40, Long.MIN_VALUE})
  void aForgedRawLengthInAResealedObjectHeaderIsCorrupt(long rawLength) {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(1, 2));
      ObjectKey key = BackupCatalog.manifestKey(DB1, id(1));
      byte[] plain =
          repo.context().objects().decode(ObjectType.MANIFEST, key.value(), store.get(key));
      store.put(
          key, reseal(repo.context().blobs(), ObjectType.MANIFEST, key.value(), plain, rawLength));

      assertCorruptWithoutAllocating(() -> repo.readManifest(DB1, id(1)), key.value());
    }
  }

  @Test
  void aForgedRawLengthInAnEncryptedObjectIsRefusedBeforeItsFirstFrameOpens() {
    OpenOptions open = RepoFixtures.open().withPassphrase(RepoFixtures.PASSPHRASE);
    try (Repository repo = Repository.init(store, RepoFixtures.smallEncrypted(), open)) {
      RepoFixtures.backup(repo, id(1), pages(1, 2));
      ObjectKey key = BackupCatalog.manifestKey(DB1, id(1));
      byte[] forged = store.get(key);
      // Without the key the frames cannot be re-sealed: only the clear header is changed.
      ByteBuffer.wrap(forged).putLong(8, Integer.MAX_VALUE - 16);
      store.put(key, forged);

      assertCorruptWithoutAllocating(() -> repo.readManifest(DB1, id(1)), key.value());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, -1})
  void aForgedFrameLengthIsCorrupt(int sealedLength) {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(1, 2));
      ObjectKey key = BackupCatalog.manifestKey(DB1, id(1));
      byte[] forged = store.get(key);
      ByteBuffer.wrap(forged).putInt(SealedObjectCodec.HEADER, sealedLength);
      store.put(key, forged);

      assertCorruptWithoutAllocating(() -> repo.readManifest(DB1, id(1)), key.value());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE, -1})
  void aForgedEntryLengthInAResealedIndexFileIsCorruptAndTheChunkIsReadFromItsTrailer(int length) {
    BackupManifest m;
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      m = RepoFixtures.backup(repo, id(1), pages(2, 20));
    }
    List<String> forged = new ArrayList<>();
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      for (ObjectInfo info : store.list("index/")) {
        String name = info.key().name();
        byte[] plain = IndexFileCodec.encode(repo.context().indexes().read(name));
        // the first entry's length: after the 8-byte header, the pack id and count, the chunk id
        // and the offset
        ByteBuffer.wrap(plain).putInt(8 + PackId.LENGTH + 4 + ChunkId.LENGTH + 8, length);
        store.delete(info.key());
        forged.add(write(repo, plain));
      }
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles())
          .extracting(DamagedObject::key)
          .containsExactlyInAnyOrderElementsOf(forged);
      assertThat(repo.damagedIndexFiles())
          .allSatisfy(d -> assertThat(d.detail()).contains(Integer.toUnsignedString(length)));
      RepoFixtures.assertRestorable(repo, m, pages(2, 20));
    }
  }

  @Test
  void aForgedEntryCountInAResealedPackTrailerIsCorrupt() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(3, 1));
      PackId pack = repo.listPacks().get(0);
      byte[] bytes = store.get(pack.key());
      List<PackEntry> entries = PackFormat.entries(bytes, repo.context().keys().cipher());
      int blobs =
          (int)
              (entries.get(entries.size() - 1).offset() + entries.get(entries.size() - 1).length());
      byte[] tail = PackFormat.tail(entries, repo.context().keys().cipher());
      // Re-seal a trailer whose count is 2^31 - 1 (CRC32C is anybody's to compute).
      ByteBuffer plain = ByteBuffer.allocate(8 + PackFormat.ENTRY * entries.size());
      plain.put((byte) PackFormat.TRAILER_VERSION).put(new byte[3]).putInt(Integer.MAX_VALUE);
      PackFormat.putEntries(plain, entries);
      byte[] sealed = repo.context().keys().cipher().seal(plain.array(), Aad.packTrailer());
      byte[] footer = Arrays.copyOfRange(tail, tail.length - PackFormat.FOOTER, tail.length);
      ByteBuffer.wrap(footer).putInt(0, sealed.length);
      byte[] forged =
          ByteBuffer.allocate(blobs + sealed.length + PackFormat.FOOTER)
              .put(bytes, 0, blobs)
              .put(sealed)
              .put(footer)
              .array();
      store.put(pack.key(), forged);

      assertCorruptWithoutAllocating(
          () -> StoredPacks.readEntries(store, repo.context().keys().cipher(), pack, forged.length),
          pack.key().value());
      assertThat(repo.verifyPack(pack).problems())
          .anySatisfy(p -> assertThat(p.detail()).contains("2147483647 entries"));
    }
  }

  @Test
  void aForgedRawLengthInAResealedBlobHeaderIsCorrupt() {
    BlobCodec blobs = CodecFixtures.codecs().findFirst().orElseThrow();
    byte[] plain =
        ByteBuffer.allocate(BlobCodec.HEADER + 3)
            .put((byte) BlobCodec.VERSION)
            .put((byte) BlobCodec.ZSTD)
            .putShort((short) 0)
            .putInt(Integer.MAX_VALUE)
            .put(new byte[] {1, 2, 3})
            .array();
    byte[] aad = "blob".getBytes(StandardCharsets.US_ASCII);
    byte[] sealed = blobs.cipher().seal(plain, aad);
    long before = allocatedBytes();
    assertThatThrownBy(() -> blobs.decode(sealed, 0, sealed.length, aad))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("2147483647 is out of range");
    assertThat(allocatedBytes() - before).isLessThan(ALLOCATION_LIMIT);
  }

  /** A sealed object whose header claims {@code rawLength}, its frames sealed to match. */
  private static byte[] reseal(
      BlobCodec blobs, ObjectType type, String binding, byte[] plain, long rawLength) {
    byte[] header =
        ByteBuffer.allocate(SealedObjectCodec.HEADER)
            .put("PGHO".getBytes(StandardCharsets.US_ASCII))
            .put((byte) SealedObjectCodec.VERSION)
            .put((byte) type.code())
            .put((byte) blobs.cipher().mode().id())
            .put((byte) 0)
            .putLong(rawLength)
            .array();
    byte[] frame = blobs.encode(plain, 0, plain.length, Aad.frame(header, 0, binding));
    return ByteBuffer.allocate(header.length + 4 + frame.length)
        .put(header)
        .putInt(frame.length)
        .put(frame)
        .array();
  }

  /** Stores an index file holding {@code plain}, sealed properly, and returns its key. */
  private String write(Repository repo, byte[] plain) {
    byte[] stored = repo.context().objects().encode(ObjectType.INDEX, IndexStore.BINDING, plain);
    String key = IndexStore.PREFIX + HexFormat.of().formatHex(PackId.sha256(stored));
    store.put(ObjectKey.of(key), stored);
    return key;
  }

  private static void assertCorruptWithoutAllocating(Runnable read, String object) {
    long before = allocatedBytes();
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            RepositoryCorruptException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RepositoryErrors.CORRUPT);
              assertThat(e.object()).isEqualTo(object);
            });
    assertThat(allocatedBytes() - before)
        .as("bytes allocated reading '%s'", object)
        .isLessThan(ALLOCATION_LIMIT);
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
