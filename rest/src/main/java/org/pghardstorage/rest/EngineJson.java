package org.pghardstorage.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.pghardstorage.core.json.ResultJson;

/**
 * The engine's results (a restore preview, a WAL audit, a verification) written exactly as the
 * command line's {@code --output json} writes them, so a client sees one document shape whichever
 * way it asks.
 */
public final class EngineJson {
  private EngineJson() {}

  private static final com.fasterxml.jackson.databind.ObjectMapper SNAKE =
      ResultJson.configure(new com.fasterxml.jackson.databind.ObjectMapper())
          .setPropertyNamingStrategy(
              com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

  /**
   * A 200 response with an engine value that is part of the API's own vocabulary (a streamer's
   * status), in the API's snake_case names.
   */
  public static Response snakeCase(Object value) {
    try {
      return Response.ok(SNAKE.writeValueAsString(value), MediaType.APPLICATION_JSON_TYPE).build();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A 200 response with {@code result} as the command line would print it. */
  public static Response ok(Object result) {
    return Response.ok(ResultJson.write(result), MediaType.APPLICATION_JSON_TYPE).build();
  }
}
