package org.pghardstorage.rest.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anything unexpected becomes a 500 problem document with an incident id; the stack trace goes to
 * the server log under that id, never to the client.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());

  @Override
  public Response toResponse(Throwable e) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "incident " + incident, e);
    return Problem.response(
            500,
            "server.unexpected",
            "Internal Server Error",
            "an unexpected error occurred; the server log has the details under incident "
                + incident)
        .build();
  }
}
