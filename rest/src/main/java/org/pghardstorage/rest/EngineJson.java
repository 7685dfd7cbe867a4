package org.pghardstorage.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.pghardstorage.core.json.ResultJson;

/**
 * The engine's results (a restore preview, a WAL audit, a verification, a streamer's status)
 * written exactly as the command line's {@code --output json} writes them, in the API's snake_case
 * names, so a client sees one document shape whichever way it asks.
 */
public final class EngineJson {
  private EngineJson() {}

  /** A 200 response with {@code result} as the command line would print it. */
  public static Response ok(Object result) {
    return Response.ok(ResultJson.write(result), MediaType.APPLICATION_JSON_TYPE).build();
  }
}
