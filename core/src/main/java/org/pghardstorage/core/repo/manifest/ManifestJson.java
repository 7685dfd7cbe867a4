package org.pghardstorage.core.repo.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;

/**
 * JSON codec of {@link BackupManifest}, schema {@value BackupManifest#SCHEMA}, or {@value
 * BackupManifest#SCHEMA_SLICES} exactly when a chunk ref is a slice (format spec §10): snake_case
 * fields, {@code schema} first, ids and instants as strings, absent optional fields omitted.
 * Readers ignore unknown fields (format spec §2). Thread-safe.
 */
public final class ManifestJson {
  private static final ObjectMapper MAPPER = mapper();

  private ManifestJson() {}

  /** The JSON bytes (UTF-8) of a manifest. */
  public static byte[] write(BackupManifest manifest) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", manifest.schema());
    root.setAll((ObjectNode) MAPPER.valueToTree(manifest));
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a validated manifest must serialise", e);
    }
  }

  /**
   * Parses and validates a manifest.
   *
   * @throws ManifestFormatException naming what is wrong; {@link
   *     ManifestFormatException#newerSchema()} tells a newer schema from damage
   */
  public static BackupManifest read(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new ManifestFormatException("not valid JSON: " + e.getMessage(), false, e);
    }
    if (root == null || !root.isObject()) {
      throw new ManifestFormatException("not a JSON object", false, null);
    }
    String schema = root.path("schema").asText("");
    if (!schema.equals(BackupManifest.SCHEMA) && !schema.equals(BackupManifest.SCHEMA_SLICES)) {
      boolean newer = schema.matches("pg_hardstorage\\.backup\\.v([3-9]|[1-9][0-9]+)");
      throw new ManifestFormatException(
          "schema is '"
              + schema
              + "', expected '"
              + BackupManifest.SCHEMA
              + "' or '"
              + BackupManifest.SCHEMA_SLICES
              + "'",
          newer,
          null);
    }
    BackupManifest manifest;
    try {
      manifest = MAPPER.treeToValue(root, BackupManifest.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String why =
          cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
      throw new ManifestFormatException(why, false, e);
    }
    if (!manifest.schema().equals(schema)) {
      // A v1 manifest with slices was not written by a v1 writer; a v2 one without is not
      // canonical.
      throw new ManifestFormatException(
          "schema is '"
              + schema
              + "' but its chunk refs "
              + (schema.equals(BackupManifest.SCHEMA) ? "include" : "include no")
              + " slices, which need '"
              + BackupManifest.SCHEMA_SLICES
              + "'",
          false,
          null);
    }
    return manifest;
  }

  private static ObjectMapper mapper() {
    SimpleModule ids = new SimpleModule("pg_hardstorage-ids");
    text(ids, BackupId.class, BackupId::value, BackupId::parse);
    text(ids, Deployment.class, Deployment::name, Deployment::of);
    text(ids, ChunkId.class, ChunkId::hex, ChunkId::parse);
    text(ids, Instant.class, Instant::toString, Instant::parse);
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .addModule(ids)
        .build();
  }

  /** Registers a type that is written as one JSON string. */
  private static <T> void text(
      SimpleModule module, Class<T> type, Function<T, String> format, Function<String, T> parse) {
    module.addSerializer(
        type,
        new JsonSerializer<T>() {
          @Override
          public void serialize(T value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(format.apply(value));
          }
        });
    module.addDeserializer(
        type,
        new JsonDeserializer<T>() {
          @Override
          public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
              return ctx.reportInputMismatch(type, "expected a string for " + type.getSimpleName());
            }
            try {
              return parse.apply(text);
            } catch (RuntimeException e) {
              return ctx.reportInputMismatch(
                  type, "invalid %s '%s': %s", type.getSimpleName(), text, e.getMessage());
            }
          }
        });
  }
}
