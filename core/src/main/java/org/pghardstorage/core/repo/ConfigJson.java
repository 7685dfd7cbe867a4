package org.pghardstorage.core.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkIdHasher;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.chunk.PageAlignedChunker;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.crypto.EncryptionMode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The {@code config} object's JSON (format spec §4), including the parts that are not public: the
 * clear chunk-id key of an unencrypted repository and the key slots.
 */
final class ConfigJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Everything stored in {@code config}.
   *
   * @param config the public part
   * @param clearIdKey the chunk-id key, present iff encryption is {@code none}
   * @param slots key slots, non-empty iff encrypted
   */
  record Stored(RepositoryConfig config, Optional<byte[]> clearIdKey, List<KeySlot> slots) {}

  private ConfigJson() {}

  static byte[] write(Stored stored) {
    RepositoryConfig c = stored.config();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", c.format());
    root.put("repository_id", c.repositoryId());
    root.put("created_at", c.createdAt().toString());
    ObjectNode chunker = root.putObject("chunker");
    chunker.put("algorithm", PageAlignedChunker.ALGORITHM);
    chunker.put("page_size", ChunkerParams.PAGE_SIZE);
    chunker.put("min_size", c.chunker().minSize());
    chunker.put("avg_size", c.chunker().avgSize());
    chunker.put("max_size", c.chunker().maxSize());
    ObjectNode chunkId = root.putObject("chunk_id");
    chunkId.put("algorithm", ChunkIdHasher.ALGORITHM);
    stored.clearIdKey().ifPresent(k -> chunkId.put("key", HEX.formatHex(k)));
    ObjectNode compression = root.putObject("compression");
    compression.put("algorithm", "zstd");
    compression.put("level", c.compressionLevel());
    compression.put("wal_level", c.walCompressionLevel());
    root.putObject("pack").put("target_size", c.packTargetSize());
    ObjectNode encryption = root.putObject("encryption");
    encryption.put("mode", c.encryption().configName());
    if (c.encryption() != EncryptionMode.NONE) {
      ArrayNode slots = encryption.putArray("key_slots");
      for (KeySlot slot : stored.slots()) {
        slots.add(slotJson(slot));
      }
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("a config tree must serialise", e);
    }
  }

  /**
   * Parses and validates {@code config}.
   *
   * @throws HardstorageException {@code repo.format_too_new} or {@code repo.config_invalid}
   */
  static Stored read(byte[] json, String where) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw RepositoryErrors.configInvalid(where, "not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw RepositoryErrors.configInvalid(where, "not a JSON object", null);
    }
    if (!root.path("format").canConvertToInt()) {
      throw RepositoryErrors.configInvalid(where, "missing or non-numeric 'format'", null);
    }
    int format = root.get("format").intValue();
    if (format > RepositoryConfig.FORMAT) {
      throw RepositoryErrors.formatTooNew("repository " + where, format, RepositoryConfig.FORMAT);
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw RepositoryErrors.configInvalid(where, e.getMessage(), e);
    }
  }

  private static Stored parse(JsonNode root) {
    JsonNode chunker = root.path("chunker");
    expect(chunker, "algorithm", PageAlignedChunker.ALGORITHM);
    if (chunker.path("page_size").asInt() != ChunkerParams.PAGE_SIZE) {
      throw new IllegalArgumentException("chunker page_size must be " + ChunkerParams.PAGE_SIZE);
    }
    ChunkerParams params =
        new ChunkerParams(
            integer(chunker, "min_size"),
            integer(chunker, "avg_size"),
            integer(chunker, "max_size"));
    expect(root.path("chunk_id"), "algorithm", ChunkIdHasher.ALGORITHM);
    expect(root.path("compression"), "algorithm", "zstd");
    int level = integer(root.path("compression"), "level");
    String modeName = text(root.path("encryption"), "mode");
    EncryptionMode mode =
        EncryptionMode.fromConfigName(modeName)
            .orElseThrow(
                () -> new IllegalArgumentException("unknown encryption mode '" + modeName + "'"));
    RepositoryConfig config =
        new RepositoryConfig(
            integer(root, "format"),
            text(root, "repository_id"),
            Instant.parse(text(root, "created_at")),
            params,
            level,
            walLevel(root.path("compression"), level),
            integer(root.path("pack"), "target_size"),
            mode);
    JsonNode key = root.path("chunk_id").path("key");
    Optional<byte[]> clearKey = Optional.empty();
    List<KeySlot> slots = new ArrayList<>();
    if (mode == EncryptionMode.NONE) {
      if (!key.isTextual() || !key.asText().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("chunk_id.key must be 64 hex digits when unencrypted");
      }
      clearKey = Optional.of(HEX.parseHex(key.asText()));
    } else {
      if (!key.isMissingNode()) {
        throw new IllegalArgumentException("an encrypted repository must not store chunk_id.key");
      }
      for (JsonNode slot : root.path("encryption").path("key_slots")) {
        slots.add(parseSlot(slot));
      }
      if (slots.isEmpty()) {
        throw new IllegalArgumentException("encryption.key_slots is empty");
      }
    }
    return new Stored(config, clearKey, slots);
  }

  /**
   * {@code compression.wal_level}; repositories created before it existed have none, and their WAL
   * is written at {@code level} as it always was.
   */
  private static int walLevel(JsonNode compression, int level) {
    if (compression.path("wal_level").isMissingNode()) {
      return level;
    }
    return integer(compression, "wal_level");
  }

  private static ObjectNode slotJson(KeySlot slot) {
    ObjectNode s = MAPPER.createObjectNode();
    s.put("id", slot.id());
    ObjectNode kek = s.putObject("kek");
    kek.put("type", slot.kekType());
    slot.kdf()
        .ifPresent(
            p -> {
              ObjectNode kdf = kek.putObject("kdf");
              kdf.put("algorithm", "argon2id");
              kdf.put("version", Argon2idParams.VERSION);
              kdf.put("memory_kib", p.memoryKib());
              kdf.put("iterations", p.iterations());
              kdf.put("parallelism", p.parallelism());
              kdf.put("salt", Base64.getEncoder().encodeToString(p.salt()));
            });
    s.put("wrapped_key_bundle", Base64.getEncoder().encodeToString(slot.wrappedBundle()));
    return s;
  }

  private static KeySlot parseSlot(JsonNode s) {
    String type = text(s.path("kek"), "type");
    Optional<Argon2idParams> kdf = Optional.empty();
    if (type.equals(KeySlot.PASSPHRASE)) {
      JsonNode k = s.path("kek").path("kdf");
      expect(k, "algorithm", "argon2id");
      if (integer(k, "version") != Argon2idParams.VERSION) {
        throw new IllegalArgumentException("argon2id version must be " + Argon2idParams.VERSION);
      }
      kdf =
          Optional.of(
              new Argon2idParams(
                  integer(k, "memory_kib"),
                  integer(k, "iterations"),
                  integer(k, "parallelism"),
                  Base64.getDecoder().decode(text(k, "salt"))));
    }
    return new KeySlot(
        text(s, "id"), type, kdf, Base64.getDecoder().decode(text(s, "wrapped_key_bundle")));
  }

  private static void expect(JsonNode node, String field, String value) {
    String actual = text(node, field);
    if (!actual.equals(value)) {
      throw new IllegalArgumentException(
          field + " is '" + actual + "', this release knows only '" + value + "'");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("missing or non-text field '" + field + "'");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(
          v.isMissingNode()
              ? "missing field '" + field + "'"
              : "field '" + field + "' is " + v + ", not an integer");
    }
    return v.intValue();
  }
}
