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

  /**
   * Records an event and returns its id. In a transaction of its own: an audit entry stands even
   * when its caller's work rolls back, and a batch step's transaction (on the batch runtime's own
   * non-XA pool) cannot take a second resource.
   */
  @jakarta.ejb.TransactionAttribute(jakarta.ejb.TransactionAttributeType.REQUIRES_NEW)
  public long record(
      String deployment, String kind, String severity, String actor, String message) {
    EventEntity e =
        new EventEntity(OffsetDateTime.now(), deployment, kind, severity, actor, message);
    em.persist(e);
    em.flush();
    return e.getId();
  }

  /**
   * An event as the API shows it.
   *
   * @param id event id
   * @param occurredAt when
   * @param deployment which deployment, if any
   * @param kind dotted kind
   * @param severity info, warning or error
   * @param actor who
   * @param message what
   */
  public record EventView(
      long id,
      String occurredAt,
      String deployment,
      String kind,
      String severity,
      String actor,
      String message) {}

  /** One page of events (of one deployment, or all), newest first. */
  public org.pghardstorage.ejb.catalogue.Page<EventView> page(
      String deployment, Integer limit, String cursor) {
    int n = org.pghardstorage.ejb.catalogue.Page.limit(limit);
    var q =
        deployment == null
            ? em.createNamedQuery(EventEntity.PAGE_ALL, EventEntity.class)
            : em.createNamedQuery(EventEntity.PAGE, EventEntity.class)
                .setParameter("deployment", deployment);
    List<EventView> rows =
        q.setParameter("before", org.pghardstorage.ejb.catalogue.Page.before(cursor))
            .setMaxResults(n + 1)
            .getResultStream()
            .map(
                e ->
                    new EventView(
                        e.getId(),
                        e.getOccurredAt().toString(),
                        e.getDeployment(),
                        e.getKind(),
                        e.getSeverity(),
                        e.getActor(),
                        e.getMessage()))
            .toList();
    return org.pghardstorage.ejb.catalogue.Page.of(rows, n, EventView::id);
  }

  /** The newest events, newest first. */
  public List<EventEntity> recent(int limit) {
    return em.createNamedQuery(EventEntity.RECENT, EventEntity.class)
        .setMaxResults(limit)
        .getResultList();
  }
}
