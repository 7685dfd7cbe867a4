package org.pghardstorage.rest.problem;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem document. {@code type} is a stable URN built from our dotted error code,
 * {@code code} repeats the code for clients that switch on it, {@code suggestion} says what to do.
 *
 * @param type {@code urn:pg_hardstorage:error:<code>}
 * @param title a short summary
 * @param status the HTTP status
 * @param detail what exactly went wrong
 * @param code the dotted error code
 * @param suggestion what to do next, if known
 */
public record Problem(
    String type, String title, int status, String detail, String code, String suggestion) {
  /** The media type of problem documents. */
  public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

  /** A response builder carrying a problem body. */
  public static Response.ResponseBuilder response(
      int status, String code, String title, String detail) {
    return response(status, code, title, detail, null);
  }

  /** A response builder carrying a problem body with a suggestion. */
  public static Response.ResponseBuilder response(
      int status, String code, String title, String detail, String suggestion) {
    return Response.status(status)
        .type(MEDIA_TYPE)
        .entity(
            new Problem(
                "urn:pg_hardstorage:error:" + code, title, status, detail, code, suggestion));
  }
}
