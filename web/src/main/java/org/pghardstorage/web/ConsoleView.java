package org.pghardstorage.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import jakarta.servlet.ServletContext;
import java.util.List;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.ejb.system.Health;
import org.pghardstorage.ejb.system.SystemService;
import org.pghardstorage.persistence.entity.EventEntity;

/** The overview page: server health and the newest events. */
@Named
@RequestScoped
public class ConsoleView {
  @EJB private SystemService system;
  @EJB private EventLog events;

  private Health health;
  private List<EventEntity> recent;

  /** Health, computed once per request. */
  public Health getHealth() {
    if (health == null) {
      ServletContext servlet =
          (ServletContext) FacesContext.getCurrentInstance().getExternalContext().getContext();
      health = system.health(servlet.getServerInfo());
    }
    return health;
  }

  /** The 20 newest events. */
  public List<EventEntity> getEvents() {
    if (recent == null) {
      recent = events.recent(20);
    }
    return recent;
  }

  /** The signed-in user. */
  public String getUser() {
    var p = FacesContext.getCurrentInstance().getExternalContext().getUserPrincipal();
    return p == null ? "" : p.getName();
  }
}
