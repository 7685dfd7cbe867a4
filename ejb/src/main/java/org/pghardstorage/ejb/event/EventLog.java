package org.pghardstorage.ejb.event;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.OffsetDateTime;
import java.util.List;
import org.pghardstorage.persistence.entity.EventEntity;

/** The event and audit trail in the catalogue. */
@Stateless
public class EventLog {
  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  /** Records an event and returns its id. */
  public long record(
      String deployment, String kind, String severity, String actor, String message) {
    EventEntity e =
        new EventEntity(OffsetDateTime.now(), deployment, kind, severity, actor, message);
    em.persist(e);
    em.flush();
    return e.getId();
  }

  /** The newest events, newest first. */
  public List<EventEntity> recent(int limit) {
    return em.createNamedQuery(EventEntity.RECENT, EventEntity.class)
        .setMaxResults(limit)
        .getResultList();
  }
}
