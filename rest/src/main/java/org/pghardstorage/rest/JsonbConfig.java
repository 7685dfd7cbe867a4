package org.pghardstorage.rest;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * The API's JSON names are snake_case ({@code backup_id}, {@code stop_lsn}), like the command
 * line's structured output, whatever the Java names are.
 */
@Provider
public class JsonbConfig implements ContextResolver<Jsonb> {
  private static final Jsonb JSONB =
      JsonbBuilder.create(
          new jakarta.json.bind.JsonbConfig()
              .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

  @Override
  public Jsonb getContext(Class<?> type) {
    return JSONB;
  }
}
