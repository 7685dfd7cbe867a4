package org.pghardstorage.core.repo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkIdHasher;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.crypto.EncryptionMode;
import org.pghardstorage.core.crypto.KeyBundle;
import org.pghardstorage.core.crypto.KeyWrap;

/**
 * Prints the {@code vectors} block of the format spec's "Test vectors" section ({@code
 * docs/explanation/repository-format.md}), which {@link FormatVectorsTest} checks. Not a test and
 * not run by the build: the spec pins the bytes once, and every later version must still read them.
 * AES-GCM takes a random nonce, so each run prints different {@code *_aes} bytes (all valid); run
 * it only when the spec gains a vector, and paste the whole block.
 *
 * <pre>
 * ./mvnw -B -ntp -q -pl core test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/test.classpath) \
 *     org.pghardstorage.core.repo.FormatVectorsWriter
 * </pre>
 */
public final class FormatVectorsWriter {
  private static final String HISTORY_BINDING = "wal/db1/history/00000002.history";
  private static final String HISTORY_TEXT = "1\t0/24020A0\tno recovery target specified\n";
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final String REPOSITORY_ID = "5b0c1f8e9d3a4c2b8e7f6a5d4c3b2a19";

  private static final HexFormat HEX = HexFormat.of();
  private static final List<String> GROUPS =
      List.of("keys.", "chunk_", "blob_", "object_", "pack_", "index_", "key_bundle.");

  private final Map<String, String> lines = new LinkedHashMap<>();

  private FormatVectorsWriter() {}

  public static void main(String[] args) {
    System.out.print(new FormatVectorsWriter().write());
  }

  private String write() {
    byte[] idKey = sequence(0x00);
    byte[] dataKey = sequence(0x20);
    hex("keys.chunk_id_key", idKey);
    hex("keys.data_key", dataKey);

    ChunkIdHasher hasher = new ChunkIdHasher(idKey);
    // A PG_VERSION file: too short for zstd to shrink, so stored raw.
    byte[] a = "17\n".getBytes(StandardCharsets.US_ASCII);
    // Repetitive text that zstd shrinks.
    byte[] b =
        "pg_hardstorage format 1 test vector chunk\n".repeat(4).getBytes(StandardCharsets.US_ASCII);
    ChunkId idA = chunk("chunk_a", hasher, a);
    ChunkId idB = chunk("chunk_b", hasher, b);

    for (BlobCipher cipher : List.of(BlobCipher.none(), BlobCipher.aes256Gcm(dataKey))) {
      String suffix = cipher.mode() == EncryptionMode.NONE ? "_none" : "_aes";
      BlobCodec blobs = new BlobCodec(cipher, new ZstdCodec(3));
      byte[] blobA = blob("blob_a" + suffix, blobs, a, idA, BlobCodec.STORED);
      byte[] blobB = blob("blob_b" + suffix, blobs, b, idB, BlobCodec.ZSTD);
      sealedObject("object" + suffix, blobs);
      PackBuilder builder = new PackBuilder(256);
      builder.add(idA, blobA, a.length);
      builder.add(idB, blobB, b.length);
      PackBuilder.FinishedPack pack = builder.finish(cipher);
      hex("pack" + suffix + ".trailer_plaintext", trailerPlaintext(pack.entries()));
      hex("pack" + suffix + ".bytes", pack.bytes());
      hex("pack" + suffix + ".id", HEX.parseHex(pack.id().hex()));
      byte[] indexPlain = IndexFileCodec.encode(Map.of(pack.id(), pack.entries()));
      byte[] index = new SealedObjectCodec(blobs).encode(ObjectType.INDEX, "index", indexPlain);
      requireStoredRaw("index" + suffix, index, blobs.cipher().overhead());
      hex("index" + suffix + ".plaintext", indexPlain);
      hex("index" + suffix + ".sealed", index);
      hex("index" + suffix + ".name", PackId.sha256(index));
    }
    keyBundle(dataKey, idKey);

    // Grouped by kind, as the spec presents them; within a kind, none before aes.
    StringBuilder out = new StringBuilder("```vectors\n");
    for (String group : GROUPS) {
      lines.forEach(
          (name, value) -> {
            if (name.startsWith(group)) {
              out.append(name).append(" = ").append(value).append('\n');
            }
          });
    }
    return out.append("```\n").toString();
  }

  private ChunkId chunk(String name, ChunkIdHasher hasher, byte[] plaintext) {
    ChunkId id = hasher.idOf(plaintext);
    hex(name + ".plaintext", plaintext);
    hex(name + ".id", id.bytes());
    hex(name + ".blob_aad", Aad.chunk(id));
    return id;
  }

  private byte[] blob(String name, BlobCodec blobs, byte[] plaintext, ChunkId id, int mode) {
    byte[] sealed = blobs.encode(plaintext, 0, plaintext.length, Aad.chunk(id));
    byte[] opened = blobs.cipher().open(sealed, Aad.chunk(id));
    if (opened[1] != mode) {
      throw new IllegalStateException(name + " has compression " + opened[1] + ", wanted " + mode);
    }
    text(name + ".compression", Integer.toString(mode));
    hex(name + ".sealed", sealed);
    return sealed;
  }

  private void sealedObject(String name, BlobCodec blobs) {
    byte[] plain = HISTORY_TEXT.getBytes(StandardCharsets.UTF_8);
    byte[] sealed =
        new SealedObjectCodec(blobs).encode(ObjectType.TIMELINE_HISTORY, HISTORY_BINDING, plain);
    requireStoredRaw(name, sealed, blobs.cipher().overhead());
    byte[] header = Arrays.copyOf(sealed, SealedObjectCodec.HEADER);
    text(name + ".type", Integer.toString(ObjectType.TIMELINE_HISTORY.code()));
    text(name + ".binding", HISTORY_BINDING);
    hex(name + ".plaintext", plain);
    hex(name + ".header", header);
    hex(name + ".frame0_aad", Aad.frame(header, 0, HISTORY_BINDING));
    hex(name + ".sealed", sealed);
  }

  /**
   * The one frame of a sealed object stores its plaintext raw (so the {@code none} form re-encodes
   * to the same bytes everywhere, whatever the zstd version).
   */
  private static void requireStoredRaw(String name, byte[] sealed, int overhead) {
    long raw = ByteBuffer.wrap(sealed).getLong(8);
    int frame = ByteBuffer.wrap(sealed).getInt(SealedObjectCodec.HEADER);
    if (frame != BlobCodec.HEADER + raw + overhead) {
      throw new IllegalStateException(name + ": zstd shrank the frame; pick another input");
    }
  }

  private static byte[] trailerPlaintext(List<PackEntry> entries) {
    ByteBuffer b = ByteBuffer.allocate(8 + PackFormat.ENTRY * entries.size());
    b.put((byte) PackFormat.TRAILER_VERSION).put(new byte[3]).putInt(entries.size());
    PackFormat.putEntries(b, entries);
    return b.array();
  }

  private void keyBundle(byte[] dataKey, byte[] idKey) {
    byte[] salt = HEX.parseHex("00112233445566778899aabbccddeeff");
    Argon2idParams kdf = new Argon2idParams(1024, 2, 2, salt);
    byte[] plain =
        ByteBuffer.allocate(KeyBundle.ENCODED_LENGTH)
            .put((byte) 1)
            .put(new byte[3])
            .put(dataKey)
            .put(idKey)
            .array();
    byte[] kek = kdf.deriveKey(PASSPHRASE.toCharArray());
    byte[] aad =
        ByteBuffer.allocate(1 + REPOSITORY_ID.length())
            .put((byte) 0x04)
            .put(REPOSITORY_ID.getBytes(StandardCharsets.US_ASCII))
            .array();
    text("key_bundle.passphrase", PASSPHRASE);
    hex("key_bundle.salt", salt);
    text("key_bundle.memory_kib", Integer.toString(kdf.memoryKib()));
    text("key_bundle.iterations", Integer.toString(kdf.iterations()));
    text("key_bundle.parallelism", Integer.toString(kdf.parallelism()));
    hex("key_bundle.kek", kek);
    text("key_bundle.repository_id", REPOSITORY_ID);
    hex("key_bundle.aad", aad);
    hex("key_bundle.plaintext", plain);
    hex("key_bundle.wrapped", KeyWrap.wrap(kek, KeyBundle.decode(plain), REPOSITORY_ID));
  }

  private static byte[] sequence(int first) {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }

  private void hex(String name, byte[] value) {
    put(name, HEX.formatHex(value));
  }

  private void text(String name, String value) {
    put(name, '"' + value + '"');
  }

  private void put(String name, String value) {
    if (lines.put(name, value) != null) {
      throw new IllegalStateException("vector " + name + " twice");
    }
  }
}
