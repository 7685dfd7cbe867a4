package org.pghardstorage.ejb.deployment;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * How far each schedule's occurrences were handled (table {@code schedule_mark}): started by their
 * timer, or reported missed. The scheduler compares it with the schedule's expression to find what
 * was due while the server was down.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ScheduleMarks {
  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  /**
   * Up to when the schedule {@code kind} of {@code deployment} was handled. A schedule seen for the
   * first time, or whose expression changed, starts at {@code now}: nothing before was due.
   */
  public Instant handledUntil(String deployment, String kind, String cron, Instant now) {
    em.createNativeQuery(
            "INSERT INTO schedule_mark (deployment, kind, cron, handled_until)"
                + " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (deployment, kind) DO UPDATE"
                + " SET cron = EXCLUDED.cron, handled_until = EXCLUDED.handled_until"
                + " WHERE schedule_mark.cron <> EXCLUDED.cron")
        .setParameter(1, deployment)
        .setParameter(2, kind)
        .setParameter(3, cron)
        .setParameter(4, Timestamp.from(now))
        .executeUpdate();
    Object at =
        em.createNativeQuery(
                "SELECT handled_until FROM schedule_mark WHERE deployment = ?1 AND kind = ?2")
            .setParameter(1, deployment)
            .setParameter(2, kind)
            .getSingleResult();
    return at instanceof OffsetDateTime o ? o.toInstant() : ((Timestamp) at).toInstant();
  }

  /** Records that the occurrences up to {@code until} were handled. */
  public void handled(String deployment, String kind, Instant until) {
    em.createNativeQuery(
            "UPDATE schedule_mark SET handled_until = greatest(handled_until, ?3)"
                + " WHERE deployment = ?1 AND kind = ?2")
        .setParameter(1, deployment)
        .setParameter(2, kind)
        .setParameter(3, Timestamp.from(until))
        .executeUpdate();
  }

  /** Forgets the marks of schedules other than {@code kept} ({@code deployment|kind} keys). */
  public void retain(Set<String> kept) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery("SELECT deployment, kind FROM schedule_mark").getResultList();
    for (Object[] r : rows) {
      if (!kept.contains(r[0] + "|" + r[1])) {
        em.createNativeQuery("DELETE FROM schedule_mark WHERE deployment = ?1 AND kind = ?2")
            .setParameter(1, r[0])
            .setParameter(2, r[1])
            .executeUpdate();
      }
    }
  }
}
