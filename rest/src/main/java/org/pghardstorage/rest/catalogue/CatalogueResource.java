package org.pghardstorage.rest.catalogue;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.pghardstorage.ejb.catalogue.CatalogueService;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/** {@code POST /api/v1/catalogue/rebuild}: re-index backups from the repository (admin). */
@RequestScoped
@Path("catalogue")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogueResource {
  @EJB private CatalogueService catalogue;

  @Context private SecurityContext security;

  @POST
  @Path("rebuild")
  @Requires(Role.ADMIN)
  public CatalogueService.RebuildResult rebuild(@QueryParam("deployment") String deployment) {
    return catalogue.rebuild(deployment, security.getUserPrincipal().getName());
  }
}
