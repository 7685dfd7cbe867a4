package org.pghardstorage.rest.catalogue;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.pghardstorage.ejb.token.TokenService;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/**
 * {@code /api/v1/tokens}: API tokens for machine clients (admin only). The secret is in the
 * creation response and nowhere else.
 */
@RequestScoped
@Path("tokens")
@Produces(MediaType.APPLICATION_JSON)
@Requires(Role.ADMIN)
public class TokensResource {
  @EJB private TokenService tokens;

  @Context private SecurityContext security;

  /**
   * A token to create.
   *
   * @param name its name
   * @param role viewer, operator or admin
   */
  public record TokenRequest(String name, String role) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(TokenRequest r) {
    return Response.status(201)
        .entity(
            tokens.create(
                r == null ? null : r.name(),
                r == null ? null : r.role(),
                security.getUserPrincipal().getName()))
        .build();
  }

  @GET
  public List<TokenService.TokenView> list() {
    return tokens.list();
  }

  @DELETE
  @Path("{name}")
  public Response revoke(@PathParam("name") String name) {
    tokens.revoke(name, security.getUserPrincipal().getName());
    return Response.noContent().build();
  }
}
