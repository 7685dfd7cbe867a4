package org.pghardstorage.rest.problem;

import jakarta.ejb.EJBException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.pghardstorage.core.error.HardstorageException;

/**
 * An engine error that reached the resource wrapped by the EJB container (from a bean outside the
 * modules that declare it an application exception) is still mapped by its own code.
 */
@Provider
public class EjbExceptionMapper implements ExceptionMapper<EJBException> {
  @Override
  public Response toResponse(EJBException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HardstorageException h) {
        return new HardstorageExceptionMapper().toResponse(h);
      }
    }
    return new UnexpectedExceptionMapper().toResponse(e);
  }
}
