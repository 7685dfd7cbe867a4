package org.pghardstorage.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;

/**
 * How the engine's result objects ({@link org.pghardstorage.core.restore.RestorePreview}, {@link
 * org.pghardstorage.core.verify.VerifyReport}, …) are written as JSON wherever they are shown: by
 * the command line's {@code --output json} and by the server's REST API, so both print the same
 * document for the same result. Records by their component names in snake_case ({@code backupId}
 * becomes {@code backup_id}, the REST API's convention too); domain value types ({@link Lsn},
 * {@link BackupId}, {@link Deployment}) as their canonical text; times as ISO-8601 strings.
 */
public final class ResultJson {
  private static final SimpleModule DOMAIN =
      new SimpleModule("pghs-domain")
          .addSerializer(Lsn.class, ToStringSerializer.instance)
          .addSerializer(BackupId.class, ToStringSerializer.instance)
          .addSerializer(Deployment.class, ToStringSerializer.instance);

  private static final ObjectMapper MAPPER = configure(new ObjectMapper());

  private ResultJson() {}

  /**
   * Applies the result conventions to {@code mapper} (for one with another data format, such as
   * YAML) and returns it.
   */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(DOMAIN)
        .registerModule(new JavaTimeModule())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  /** The shared mapper; thread-safe, do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} as a JSON tree. */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** {@code value} as compact JSON text. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write " + value.getClass().getName() + " as JSON", e);
    }
  }
}
