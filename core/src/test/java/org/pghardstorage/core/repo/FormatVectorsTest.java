package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkIdHasher;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.crypto.KeyBundle;
import org.pghardstorage.core.crypto.KeyWrap;

/**
 * The test vectors of the format spec (section "Test vectors" of {@code
 * docs/explanation/repository-format.md}, its {@code vectors} block) hold for this code: every
 * pinned object decodes, opens and parses to the stated plaintext and fields, and the deterministic
 * ones (chunk ids, AAD, the {@code none} cipher over raw payloads, trailer and index plaintexts,
 * the key bundle's KEK and plaintext) re-encode to the stated bytes. AES-GCM vectors carry a random
 * nonce, so they are checked by opening them with the stated keys. {@link FormatVectorsWriter}
 * prints the block; the spec is its only copy, so an accidental edit of either fails here.
 */
class FormatVectorsTest {
  static final Path SPEC = Path.of("../docs/explanation/repository-format.md");
  private static final HexFormat HEX = HexFormat.of();
  private static final List<String> MODES = List.of("none", "aes");
  private static final List<String> CHUNKS = List.of("a", "b");

  @Test
  void chunkIdsAreKeyedHmacSha256AndBindBlobs() {
    checkChunkIds(Vectors.fromSpec());
  }

  @Test
  void blobsOpenToTheirChunksAndNoneRawBlobsReencode() {
    checkBlobs(Vectors.fromSpec());
  }

  @Test
  void sealedObjectsOpenUnderTheirBindingAndNoneReencodes() {
    checkSealedObjects(Vectors.fromSpec());
  }

  @Test
  void packsListTheirBlobsInTrailerAndFooterAndNoneReencodes() {
    checkPacks(Vectors.fromSpec());
  }

  @Test
  void indexFilesNameTheirPacksAndNoneReencodes() {
    checkIndexFiles(Vectors.fromSpec());
  }

  @Test
  void theKeyBundleUnwrapsWithTheArgon2idKeyOfThePassphrase() {
    checkKeyBundle(Vectors.fromSpec());
  }

  @Test
  void everyVectorInTheSpecIsChecked() {
    Vectors v = Vectors.fromSpec();
    checkChunkIds(v);
    checkBlobs(v);
    checkSealedObjects(v);
    checkPacks(v);
    checkIndexFiles(v);
    checkKeyBundle(v);
    assertThat(v.unread()).as("vectors in the spec that no check reads").isEmpty();
  }

  @Test
  void malformedBlocksAreRefused() {
    assertThatThrownBy(() -> Vectors.parse("```vectors\nchunk_a.id = 0g\n```\n"))
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> Vectors.parse("```vectors\na.b = 00\na.b = 01\n```\n"))
        .hasMessageContaining("a.b");
    assertThatThrownBy(() -> Vectors.parse("no block here")).hasMessageContaining("no ```vectors");
  }

  private static void checkChunkIds(Vectors v) {
    ChunkIdHasher hasher = new ChunkIdHasher(v.hex("keys.chunk_id_key"));
    for (String c : CHUNKS) {
      byte[] id = v.hex("chunk_" + c + ".id");
      assertThat(hasher.idOf(v.hex("chunk_" + c + ".plaintext")).bytes())
          .as("HMAC-SHA-256 of chunk %s", c)
          .isEqualTo(id);
      byte[] aad = v.hex("chunk_" + c + ".blob_aad");
      assertThat(aad).as("§7.2: 0x01 ‖ chunk id").isEqualTo(concat(new byte[] {0x01}, id));
      assertThat(Aad.chunk(ChunkId.of(id))).isEqualTo(aad);
    }
    // §10: a slice's id is the keyed id of exactly its bytes.
    int offset = Integer.parseInt(v.text("slice_b.offset"));
    int length = Integer.parseInt(v.text("slice_b.length"));
    assertThat(hasher.idOf(v.hex("chunk_b.plaintext"), offset, length).bytes())
        .as("HMAC-SHA-256 of bytes [%d, +%d) of chunk b", offset, length)
        .isEqualTo(v.hex("slice_b.id"));
    ChunkRef ref =
        ChunkRef.slice(
            ChunkId.of(v.hex("chunk_b.id")),
            v.hex("chunk_b.plaintext").length,
            offset,
            length,
            ChunkId.of(v.hex("slice_b.id")));
    assertThat(ref.length()).isEqualTo(length);
  }

  private static void checkBlobs(Vectors v) {
    for (String mode : MODES) {
      BlobCodec codec = codec(v, mode);
      for (String c : CHUNKS) {
        String name = "blob_" + c + "_" + mode;
        byte[] sealed = v.hex(name + ".sealed");
        byte[] plaintext = v.hex("chunk_" + c + ".plaintext");
        byte[] aad = v.hex("chunk_" + c + ".blob_aad");
        assertThat(codec.decode(sealed, 0, sealed.length, aad)).as(name).isEqualTo(plaintext);
        byte[] blob = codec.cipher().open(sealed, aad);
        ByteBuffer header = ByteBuffer.wrap(blob);
        assertThat(blob[0]).as("%s blob_version", name).isEqualTo((byte) 1);
        assertThat((int) blob[1])
            .as("%s compression", name)
            .isEqualTo(v.number(name + ".compression"));
        assertThat(header.getShort(2)).as("%s reserved", name).isZero();
        assertThat(header.getInt(4)).as("%s raw_length", name).isEqualTo(plaintext.length);
        assertThat(sealed.length - blob.length)
            .as("%s cipher overhead", name)
            .isEqualTo(mode.equals("none") ? 4 : 28);
        String other = c.equals("a") ? "b" : "a";
        assertThatThrownBy(
                () -> codec.decode(sealed, 0, sealed.length, v.hex("chunk_" + other + ".blob_aad")))
            .as("%s under chunk %s's AAD", name, other)
            .isInstanceOf(DecodeException.class);
        if (mode.equals("none") && blob[1] == BlobCodec.STORED) {
          assertThat(codec.encode(plaintext, 0, plaintext.length, aad))
              .as("%s re-encoded", name)
              .isEqualTo(sealed);
        }
      }
    }
    assertThat(v.number("blob_a_none.compression")).as("a raw blob is pinned").isZero();
    assertThat(v.number("blob_b_none.compression")).as("a zstd blob is pinned").isEqualTo(1);
  }

  private static void checkSealedObjects(Vectors v) {
    for (String mode : MODES) {
      String name = "object_" + mode;
      SealedObjectCodec codec = new SealedObjectCodec(codec(v, mode));
      ObjectType type = objectType(v.number(name + ".type"));
      String binding = v.text(name + ".binding");
      byte[] plaintext = v.hex(name + ".plaintext");
      byte[] sealed = v.hex(name + ".sealed");
      byte[] header = v.hex(name + ".header");
      assertThat(Arrays.copyOf(sealed, 16)).as("%s header", name).isEqualTo(header);
      ByteBuffer h = ByteBuffer.wrap(header);
      assertThat(new String(header, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PGHO");
      assertThat(header[4]).as("%s object_version", name).isEqualTo((byte) 1);
      assertThat((int) header[5]).as("%s object_type", name).isEqualTo(type.code());
      assertThat((int) header[6]).as("%s cipher id", name).isEqualTo(cipherId(mode));
      assertThat(header[7]).as("%s reserved", name).isZero();
      assertThat(h.getLong(8)).as("%s raw_length", name).isEqualTo(plaintext.length);
      byte[] aad = v.hex(name + ".frame0_aad");
      assertThat(aad)
          .as("§7.2: 0x03 ‖ header ‖ u32 0 ‖ binding")
          .isEqualTo(
              concat(
                  new byte[] {0x03},
                  header,
                  new byte[4],
                  binding.getBytes(StandardCharsets.UTF_8)));
      assertThat(Aad.frame(header, 0, binding)).isEqualTo(aad);
      assertThat(codec.decode(type, binding, sealed)).as(name).isEqualTo(plaintext);
      assertThatThrownBy(() -> codec.decode(type, binding + ".partial", sealed))
          .as("%s under another binding", name)
          .isInstanceOf(DecodeException.class);
      if (mode.equals("none")) {
        assertThat(codec.encode(type, binding, plaintext))
            .as("%s re-encoded", name)
            .isEqualTo(sealed);
      }
    }
  }

  private static void checkPacks(Vectors v) {
    for (String mode : MODES) {
      String name = "pack_" + mode;
      BlobCodec codec = codec(v, mode);
      byte[] pack = v.hex(name + ".bytes");
      assertThat(PackId.sha256(pack)).as("%s id = SHA-256", name).isEqualTo(v.hex(name + ".id"));
      byte[] blobA = v.hex("blob_a_" + mode + ".sealed");
      byte[] blobB = v.hex("blob_b_" + mode + ".sealed");
      List<PackEntry> expected = entries(v, mode);
      assertThat(Arrays.copyOf(pack, blobA.length + blobB.length))
          .as("%s starts with its blobs back to back", name)
          .isEqualTo(concat(blobA, blobB));

      ByteBuffer footer = ByteBuffer.wrap(pack, pack.length - 16, 16).slice();
      int trailerLength = footer.getInt(0);
      assertThat(footer.get(4)).as("%s pack_version", name).isEqualTo((byte) 1);
      assertThat((int) footer.get(5)).as("%s cipher id", name).isEqualTo(cipherId(mode));
      assertThat(footer.getShort(6)).as("%s reserved", name).isZero();
      assertThat(new String(pack, pack.length - 8, 8, StandardCharsets.US_ASCII))
          .isEqualTo("PGHSPACK");
      assertThat(blobA.length + blobB.length + trailerLength + 16)
          .as("%s: the trailer starts where the last blob ends", name)
          .isEqualTo(pack.length);
      byte[] trailer =
          codec.cipher().open(pack, blobA.length + blobB.length, trailerLength, new byte[] {0x02});
      byte[] trailerPlaintext = v.hex(name + ".trailer_plaintext");
      assertThat(trailer).as("%s trailer", name).isEqualTo(trailerPlaintext);
      ByteBuffer t = ByteBuffer.wrap(trailer);
      assertThat(t.getInt(0)).as("%s trailer version and reserved", name).isEqualTo(0x01000000);
      assertThat(t.getInt(4)).as("%s entry_count", name).isEqualTo(2);

      assertThat(PackFormat.entries(pack, codec.cipher())).as(name).isEqualTo(expected);
      for (int i = 0; i < 2; i++) {
        PackEntry e = expected.get(i);
        assertThat(codec.decode(pack, (int) e.offset(), e.length(), Aad.chunk(e.id())))
            .isEqualTo(v.hex("chunk_" + CHUNKS.get(i) + ".plaintext"));
      }
      if (mode.equals("none")) {
        PackBuilder builder = new PackBuilder(16);
        for (PackEntry e : expected) {
          builder.add(
              e.id(),
              Arrays.copyOfRange(pack, (int) e.offset(), (int) e.offset() + e.length()),
              e.rawLength());
        }
        assertThat(builder.finish(codec.cipher()).bytes())
            .as("%s re-encoded", name)
            .isEqualTo(pack);
      }
    }
  }

  private static void checkIndexFiles(Vectors v) {
    for (String mode : MODES) {
      String name = "index_" + mode;
      SealedObjectCodec codec = new SealedObjectCodec(codec(v, mode));
      byte[] sealed = v.hex(name + ".sealed");
      byte[] plaintext = v.hex(name + ".plaintext");
      assertThat(PackId.sha256(sealed))
          .as("%s name = SHA-256", name)
          .isEqualTo(v.hex(name + ".name"));
      assertThat((int) sealed[5]).as("%s object_type", name).isEqualTo(ObjectType.INDEX.code());
      assertThat(codec.decode(ObjectType.INDEX, "index", sealed)).as(name).isEqualTo(plaintext);
      Map<PackId, List<PackEntry>> packs =
          Map.of(PackId.parse(HEX.formatHex(v.hex("pack_" + mode + ".id"))), entries(v, mode));
      assertThat(IndexFileCodec.decode(plaintext)).as("%s lists its pack", name).isEqualTo(packs);
      assertThat(IndexFileCodec.encode(packs)).as("%s plaintext", name).isEqualTo(plaintext);
      if (mode.equals("none")) {
        assertThat(codec.encode(ObjectType.INDEX, "index", plaintext))
            .as("%s re-encoded", name)
            .isEqualTo(sealed);
      }
    }
  }

  private static void checkKeyBundle(Vectors v) {
    Argon2idParams kdf =
        new Argon2idParams(
            v.number("key_bundle.memory_kib"),
            v.number("key_bundle.iterations"),
            v.number("key_bundle.parallelism"),
            v.hex("key_bundle.salt"));
    byte[] kek = kdf.deriveKey(v.text("key_bundle.passphrase").toCharArray());
    assertThat(kek).as("Argon2id KEK").isEqualTo(v.hex("key_bundle.kek"));
    String repositoryId = v.text("key_bundle.repository_id");
    byte[] aad = v.hex("key_bundle.aad");
    assertThat(aad)
        .as("§7.2: 0x04 ‖ repository_id")
        .isEqualTo(concat(new byte[] {0x04}, repositoryId.getBytes(StandardCharsets.US_ASCII)));
    byte[] wrapped = v.hex("key_bundle.wrapped");
    byte[] plaintext = v.hex("key_bundle.plaintext");
    assertThat(BlobCipher.aes256Gcm(kek).open(wrapped, aad)).isEqualTo(plaintext);
    byte[] dataKey = v.hex("keys.data_key");
    byte[] idKey = v.hex("keys.chunk_id_key");
    assertThat(plaintext)
        .as("§7.4: version 1, 3 reserved, data key, chunk-id key")
        .isEqualTo(concat(new byte[] {1, 0, 0, 0}, dataKey, idKey));
    KeyBundle bundle = KeyWrap.unwrap(kek, wrapped, repositoryId);
    assertThat(bundle.dataKey()).isEqualTo(dataKey);
    assertThat(bundle.chunkIdKey()).isEqualTo(idKey);
    assertThat(bundle.encode()).isEqualTo(plaintext);
    assertThatThrownBy(() -> KeyWrap.unwrap(kek, wrapped, "0" + repositoryId.substring(1)))
        .hasFieldOrPropertyWithValue("code", "crypto.wrong_key");
  }

  /** The two entries of the pack of {@code mode}: blobs a and b back to back. */
  private static List<PackEntry> entries(Vectors v, String mode) {
    int lengthA = v.hex("blob_a_" + mode + ".sealed").length;
    int lengthB = v.hex("blob_b_" + mode + ".sealed").length;
    return List.of(
        new PackEntry(
            ChunkId.of(v.hex("chunk_a.id")), 0, lengthA, v.hex("chunk_a.plaintext").length),
        new PackEntry(
            ChunkId.of(v.hex("chunk_b.id")), lengthA, lengthB, v.hex("chunk_b.plaintext").length));
  }

  private static BlobCodec codec(Vectors v, String mode) {
    BlobCipher cipher =
        mode.equals("none") ? BlobCipher.none() : BlobCipher.aes256Gcm(v.hex("keys.data_key"));
    return new BlobCodec(cipher, new ZstdCodec(3));
  }

  private static int cipherId(String mode) {
    return mode.equals("none") ? 0 : 1;
  }

  private static ObjectType objectType(int code) {
    return Arrays.stream(ObjectType.values())
        .filter(t -> t.code() == code)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no object type " + code));
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  /**
   * The {@code vectors} block: lines {@code name.field = value}, where a value is lower-case hex
   * bytes or a {@code "quoted"} text; blank lines and {@code #} comments are ignored. Records which
   * names were read, so a vector that no check reads is noticed.
   */
  static final class Vectors {
    private static final Pattern LINE =
        Pattern.compile("([a-z0-9_]+\\.[a-z0-9_]+) = (\"[^\"]*\"|(?:[0-9a-f]{2})+)");

    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    private Vectors(Map<String, String> values) {
      this.values = values;
    }

    static Vectors fromSpec() {
      try {
        return parse(Files.readString(SPEC, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new AssertionError("cannot read the format spec " + SPEC.toAbsolutePath(), e);
      }
    }

    static Vectors parse(String markdown) {
      List<String> lines = markdown.lines().toList();
      int start = lines.indexOf("```vectors");
      if (start < 0 || lines.lastIndexOf("```vectors") != start) {
        throw new IllegalArgumentException("no ```vectors block, or more than one, in the spec");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = start + 1; ; i++) {
        if (i == lines.size()) {
          throw new IllegalArgumentException("the ```vectors block is not closed");
        }
        String line = lines.get(i).strip();
        if (line.equals("```")) {
          return new Vectors(values);
        }
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          throw new IllegalArgumentException(
              "vectors line "
                  + (i - start)
                  + " is not 'name.field = hex' or '= \"text\"': "
                  + line);
        }
        if (values.put(m.group(1), m.group(2)) != null) {
          throw new IllegalArgumentException("vector " + m.group(1) + " is given twice");
        }
      }
    }

    byte[] hex(String name) {
      String value = value(name);
      assertThat(value).as("%s is hex", name).doesNotStartWith("\"");
      read.add(name);
      return HEX.parseHex(value);
    }

    String text(String name) {
      String value = value(name);
      assertThat(value).as("%s is quoted text", name).startsWith("\"");
      read.add(name);
      return value.substring(1, value.length() - 1);
    }

    int number(String name) {
      return Integer.parseInt(text(name));
    }

    Set<String> unread() {
      Set<String> out = new TreeSet<>(values.keySet());
      out.removeAll(read);
      return out;
    }

    private String value(String name) {
      String value = values.get(name);
      if (value == null) {
        throw new AssertionError("the spec's vectors block has no " + name);
      }
      return value;
    }
  }
}
