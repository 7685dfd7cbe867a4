package org.pghardstorage.rest.catalogue;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.rest.Pages;
import org.pghardstorage.rest.security.Requires;
import org.pghardstorage.rest.security.Role;

/** {@code GET /api/v1/events}: the event and audit trail, newest first, paginated. */
@RequestScoped
@Path("events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {
  @EJB private EventLog events;

  @Context private UriInfo uri;

  @GET
  @Requires(Role.VIEWER)
  public Pages<EventLog.EventView> list(
      @QueryParam("deployment") String deployment,
      @QueryParam("limit") Integer limit,
      @QueryParam("cursor") String cursor) {
    return Pages.of(events.page(deployment, limit, cursor), uri);
  }
}
