package org.pghardstorage.rest.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Renders JAX-RS errors (404 for an unknown path, 405, 415, …) as problem+json too. */
@Provider
public class WebExceptionMapper implements ExceptionMapper<WebApplicationException> {
  @Override
  public Response toResponse(WebApplicationException e) {
    Response r = e.getResponse();
    return Problem.response(
            r.getStatus(),
            "http." + r.getStatus(),
            r.getStatusInfo().getReasonPhrase(),
            e.getMessage())
        .build();
  }
}
