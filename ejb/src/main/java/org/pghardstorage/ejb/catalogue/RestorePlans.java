package org.pghardstorage.ejb.catalogue;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.persistence.entity.RestorePlanEntity;

/**
 * The restore plans asked for, kept in the catalogue: what was asked, by whom, and the plan exactly
 * as it was returned, so the one who carries out a restore reads what was reviewed.
 */
@Stateless
public class RestorePlans {
  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  @EJB private EventLog events;

  /**
   * A plan as a list shows it (the plan document itself is at its own URL).
   *
   * @param id the plan's id
   * @param deployment the deployment
   * @param requestedBy who asked
   * @param createdAt when
   * @param ready whether the restore could run as planned
   * @param request what was asked (the request body)
   */
  public record PlanView(
      long id,
      String deployment,
      String requestedBy,
      String createdAt,
      boolean ready,
      String request) {}

  /** Keeps a plan and records an event; returns its id. */
  public long keep(String deployment, String actor, String request, String plan, boolean ready) {
    RestorePlanEntity p = new RestorePlanEntity(deployment, actor, request, plan, ready);
    em.persist(p);
    em.flush();
    events.record(
        deployment,
        "restore.planned",
        "info",
        actor,
        "restore plan " + p.getId() + (ready ? " (ready)" : " (not ready: see its problems)"));
    return p.getId();
  }

  /** The plan document of plan {@code id} of {@code deployment}. */
  public Optional<String> plan(String deployment, long id) {
    return Optional.ofNullable(em.find(RestorePlanEntity.class, id))
        .filter(p -> p.getDeployment().equals(deployment))
        .map(RestorePlanEntity::getPlan);
  }

  /**
   * A plan as it was kept: what was asked and the plan document.
   *
   * @param id its id
   * @param request the request, as JSON
   * @param plan the plan document
   */
  public record Kept(long id, String request, String plan) {}

  /** Plan {@code id} of {@code deployment}, with what was asked for it. */
  public Optional<Kept> kept(String deployment, long id) {
    return Optional.ofNullable(em.find(RestorePlanEntity.class, id))
        .filter(p -> p.getDeployment().equals(deployment))
        .map(p -> new Kept(p.getId(), p.getRequest(), p.getPlan()));
  }

  /** One page of the plans of {@code deployment}, newest first. */
  public Page<PlanView> page(String deployment, Integer limit, String cursor) {
    int n = Page.limit(limit);
    List<PlanView> rows =
        em.createNamedQuery(RestorePlanEntity.PAGE, RestorePlanEntity.class)
            .setParameter("deployment", deployment)
            .setParameter("before", Page.before(cursor))
            .setMaxResults(n + 1)
            .getResultStream()
            .map(
                p ->
                    new PlanView(
                        p.getId(),
                        p.getDeployment(),
                        p.getRequestedBy(),
                        p.getCreatedAt().toString(),
                        p.isReady(),
                        p.getRequest()))
            .toList();
    return Page.of(rows, n, PlanView::id);
  }
}
