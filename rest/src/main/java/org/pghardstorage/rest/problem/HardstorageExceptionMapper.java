package org.pghardstorage.rest.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.pghardstorage.core.error.HardstorageException;

/** Maps the engine's errors to problem+json with an HTTP status that matches the exit code. */
@Provider
public class HardstorageExceptionMapper implements ExceptionMapper<HardstorageException> {
  @Override
  public Response toResponse(HardstorageException e) {
    int status =
        switch (e.exitCode()) {
          case USAGE -> 400;
          case AUTHENTICATION -> 502; // PostgreSQL or storage refused *our* credentials
          case PREFLIGHT_REFUSED, VERIFY_FAILED -> 422;
          case NOT_FOUND -> 404;
          case CONFLICT -> 409;
          case UNREACHABLE -> 503;
          case ABORTED -> 409;
          default -> 500;
        };
    return Problem.response(
            status, e.code(), e.exitCode().name(), e.getMessage(), e.suggestion().orElse(null))
        .build();
  }
}
