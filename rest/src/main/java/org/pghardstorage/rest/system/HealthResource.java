package org.pghardstorage.rest.system;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.pghardstorage.ejb.system.Health;
import org.pghardstorage.ejb.system.SystemService;
import org.pghardstorage.rest.security.Public;

/** {@code GET /api/v1/health}: server, catalogue and version; 503 when the catalogue is down. */
@RequestScoped
@Path("health")
public class HealthResource {
  @EJB private SystemService system;

  @Context private ServletContext servlet;

  @GET
  @Public
  @Produces(MediaType.APPLICATION_JSON)
  public Response health() {
    Health h = system.health(servlet.getServerInfo());
    return Response.status("UP".equals(h.status()) ? 200 : 503).entity(h).build();
  }
}
